using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Sdk;
using Berth.Sdk.Cluster;

// Berth.Sdk.Storage (the state file's atomic writes) makes Linux system calls: so does this backend.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The cluster backend (swarm mode: <c>docker swarm</c>, <c>node</c>, <c>service</c>, <c>secret</c>, <c>config</c>). As
/// generated it is a swarm of one node that manages itself: the objects are Engine API documents in a JSON file in
/// the plugin's root (<see cref="SwarmState"/>), <see cref="Scheduler"/> puts every service's tasks on this node, and
/// berthd's agent runs them. It passes the conformance kit. Joining other nodes (Join answers 501), a replicated
/// store, autolock, service logs, networks and restart policies are yours to add; the swarmkit plugin in the Berth
/// repository is the full version.
/// </summary>
public sealed partial class Driver(PluginContext context) : IClusterBackend
{
    private const string AlreadyInSwarm = "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.";
    private const string NotInSwarm = "This node is not part of a swarm";
    private const string NotManager = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";
    private const string LastManager = "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.";
    private const string OutOfSequence = "update out of sequence"; // clients match this text
    private static readonly TimeSpan AssignmentsWait = TimeSpan.FromSeconds(30);
    private readonly string stateFile = Path.Combine(context.Root, "swarm.json");
    private readonly SemaphoreSlim gate = new(1, 1);
    private SwarmState? state;
    private bool loaded;
    private TaskCompletionSource changed = NewSignal();

    public Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken) => ReadAsync(s => s is null
        ? new SwarmStatus("inactive", "", "", false, "", [])
        : new SwarmStatus("active", s.NodeId, SwarmState.HostOf(s.Addr), true, "", [new SwarmPeer(s.NodeId, s.Addr)], Nodes: 1, Managers: 1, Cluster: ClusterOf(s)), cancellationToken);

    public async Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await CurrentAsync(cancellationToken) is not null) throw BerthException.Unavailable(AlreadyInSwarm);
            if (request.ValueKind == JsonValueKind.Object && request.TryGetProperty("AutoLockManagers", out var autolock) && autolock.ValueKind == JsonValueKind.True)
                throw AutolockNotImplemented();
            var spec = WithDefaults(request.ValueKind == JsonValueKind.Object && request.TryGetProperty("Spec", out var given) ? NodeOf(given) : new JsonObject());
            var fresh = SwarmState.Create(AddrOf(request), spec, DateTimeOffset.UtcNow);
            Directory.CreateDirectory(context.Root);
            await fresh.SaveAsync(stateFile, cancellationToken);
            state = fresh;
            Signal();
            return fresh.NodeId;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task JoinAsync(JsonElement request, CancellationToken cancellationToken) => ReadAsync<bool>(s =>
    {
        if (s is not null) throw BerthException.Unavailable(AlreadyInSwarm);
        throw BerthException.NotImplemented($"{context.Name} runs a swarm of one node: joining another swarm is not implemented");
    }, cancellationToken);

    public async Task LeaveAsync(bool force, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await CurrentAsync(cancellationToken) is null) throw BerthException.Unavailable(NotInSwarm);
            if (!force) throw BerthException.Unavailable(LastManager);
            File.Delete(stateFile);
            state = null;
            Signal();
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<JsonElement> InspectAsync(CancellationToken cancellationToken) =>
        ReadAsync(s => ElementOf(Manager(s).Swarm), cancellationToken);

    /// <summary>There are no join tokens to rotate (nobody can join) and no unlock key: the flags change nothing.</summary>
    public Task UpdateAsync(long version, JsonElement spec, SwarmUpdateFlags flags, CancellationToken cancellationToken) => ChangeAsync((s, now) =>
    {
        CheckVersion(s.Swarm, version);
        s.Swarm["Spec"] = WithDefaults(NodeOf(spec));
        s.Stamp(s.Swarm, now);
        return true;
    }, cancellationToken);

    public Task UnlockAsync(string unlockKey, CancellationToken cancellationToken) => ReadAsync<bool>(s =>
        throw (s is null ? BerthException.Unavailable(NotInSwarm) : BerthException.Conflict("swarm is not locked!")), cancellationToken);

    /// <summary>Empty: autolock is not implemented (the CLI says "no unlock key is set").</summary>
    public Task<string> GetUnlockKeyAsync(CancellationToken cancellationToken) => ReadAsync(s =>
    {
        Manager(s);
        return "";
    }, cancellationToken);

    public Task<JsonElement> ListAsync(string kind, JsonElement filters, CancellationToken cancellationToken) => ReadAsync(s =>
    {
        var manager = Manager(s);
        var wanted = ObjectFilters.Parse(kind, filters);
        var matching = manager.Objects(kind).Select(p => p.Value!.AsObject()).Where(d => wanted.Matches(kind, d, manager))
            .OrderBy(d => d["CreatedAt"]?.GetValue<string>(), StringComparer.Ordinal).ThenBy(SwarmState.Id, StringComparer.Ordinal);
        return ElementOf(new JsonArray([.. matching.Select(d => Render(kind, d, manager))]));
    }, cancellationToken);

    public Task<JsonElement> GetAsync(string kind, string idOrName, CancellationToken cancellationToken) =>
        ReadAsync(s => ElementOf(Render(kind, Manager(s).Require(kind, idOrName), s!)), cancellationToken);

    public Task<JsonElement> CreateAsync(string kind, JsonElement spec, CancellationToken cancellationToken) => ChangeAsync((s, now) =>
    {
        var given = NodeOf(spec);
        var name = given["Name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name)) throw BerthException.Invalid($"a {Noun(kind)} needs a name");
        switch (kind)
        {
            case "services": CheckService(s, given); break;
            case "secrets" or "configs": CheckData(kind, given); break;
            default: throw BerthException.Invalid($"{kind} cannot be created");
        }
        if (s.Objects(kind).Any(p => SwarmState.NameOf(kind, p.Value!.AsObject()) == name))
            throw BerthException.Conflict($"{Noun(kind)} {name} already exists");
        var document = new JsonObject { ["Spec"] = given };
        var id = s.Add(kind, document, now);
        if (kind == "services") Scheduler.Plan(s, document, now);
        return ElementOf(new JsonObject { ["ID"] = id });
    }, cancellationToken);

    public Task<JsonElement> UpdateObjectAsync(string kind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken) => ChangeAsync((s, now) =>
    {
        var document = s.Require(kind, idOrName);
        CheckVersion(document, version);
        var given = NodeOf(spec);
        var current = document["Spec"]!.AsObject();
        switch (kind)
        {
            case "nodes":
                if (given["Role"]?.GetValue<string>() == "worker") throw BerthException.Invalid("attempting to demote the last manager of the swarm");
                document["Spec"] = given;
                s.Stamp(document, now);
                Scheduler.PlanAll(s, now); // drain and pause change what runs here
                return ElementOf(new JsonObject());
            case "services":
                // `docker service rollback` sends {"Rollback":"previous","Spec":…}: the previous spec comes back.
                var next = given["Rollback"]?.GetValue<string>() == "previous"
                    ? document["PreviousSpec"]?.DeepClone().AsObject() ?? throw BerthException.Invalid($"service {SwarmState.Id(document)} does not have a previous spec")
                    : WithCredentialsOf(given, current);
                if (next["Name"]?.GetValue<string>() != current["Name"]?.GetValue<string>()) throw BerthException.Invalid("renaming services is not supported");
                CheckService(s, next);
                document["PreviousSpec"] = current.DeepClone();
                document["Spec"] = next;
                s.Stamp(document, now);
                Scheduler.Plan(s, document, now);
                return ElementOf(new JsonObject { ["Warnings"] = null });
            case "secrets" or "configs":
                if (given["Name"]?.GetValue<string>() != current["Name"]?.GetValue<string>()
                    || (given["Data"] is { } data && !JsonNode.DeepEquals(data, current["Data"])))
                    throw BerthException.Invalid("only updates to Labels are allowed");
                current["Labels"] = given["Labels"]?.DeepClone();
                s.Stamp(document, now);
                return ElementOf(new JsonObject());
            default:
                throw BerthException.Invalid($"{kind} cannot be updated");
        }
    }, cancellationToken);

    public Task RemoveAsync(string kind, string idOrName, bool force, CancellationToken cancellationToken) => ChangeAsync((s, now) =>
    {
        var document = s.Require(kind, idOrName);
        var id = SwarmState.Id(document);
        switch (kind)
        {
            case "nodes":
                throw BerthException.Invalid($"node {id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal");
            case "services":
                foreach (var task in s.TasksOf(id)) s.Remove("tasks", SwarmState.Id(task)); // the agent removes their containers
                break;
            case "secrets" or "configs":
                var users = s.Objects("services").Select(p => p.Value!.AsObject()).Where(svc => References(svc["Spec"]?["TaskTemplate"], kind).Contains(id))
                    .Select(svc => SwarmState.NameOf("services", svc)).ToList();
                if (users.Count > 0)
                    throw BerthException.Invalid($"{Noun(kind)} '{SwarmState.NameOf(kind, document)}' is in use by the following service{(users.Count > 1 ? "s" : "")}: {string.Join(", ", users)}");
                break;
            default:
                throw BerthException.Invalid($"{kind} cannot be removed");
        }
        s.Remove(kind, id);
        return true;
    }, cancellationToken);

    /// <summary>Answers at once when the revision differs from the caller's, else when something changes or after a while.</summary>
    public async Task<NodeAssignments> GetAssignmentsAsync(string knownRevision, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (assignments, next) = await ReadAsync(s => (s is null ? new NodeAssignments("", "", [], new Dictionary<string, string>(), [], []) : AssignmentsOf(s), changed.Task), cancellationToken);
            if (assignments.Revision.Length == 0 || assignments.Revision != knownRevision) return assignments;
            try
            {
                await next.WaitAsync(AssignmentsWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                return assignments;
            }
        }
    }

    public Task ReportTaskStatusAsync(IReadOnlyList<TaskStatusReport> reports, CancellationToken cancellationToken) => ChangeAsync((s, now) =>
    {
        foreach (var report in reports)
        {
            if (s.Objects("tasks")[report.TaskId] is not JsonObject task) continue; // removed meanwhile
            var status = task["Status"]!.AsObject();
            if (!TaskStates.IsAtLeast(report.State, status["State"]?.GetValue<string>() ?? TaskStates.New)) continue; // states only move forward
            var ports = report.Ports is null ? status["PortStatus"]?.DeepClone() : new JsonObject
            {
                ["Ports"] = new JsonArray([.. report.Ports.Select(p => new JsonObject
                {
                    ["Protocol"] = p.Protocol, ["TargetPort"] = p.TargetPort, ["PublishedPort"] = p.PublishedPort, ["PublishMode"] = "host",
                })]),
            };
            task["Status"] = new JsonObject
            {
                ["Timestamp"] = SwarmState.Timestamp(report.Timestamp),
                ["State"] = report.State,
                ["Message"] = report.Message,
                ["Err"] = report.Err,
                ["ContainerStatus"] = new JsonObject { ["ContainerID"] = report.ContainerId, ["PID"] = report.Pid, ["ExitCode"] = report.ExitCode },
                ["PortStatus"] = ports,
            };
            s.Stamp(task, now);
        }
        return true;
    }, cancellationToken);

    public Task<Stream> ReadTaskLogsAsync(TaskLogsRequest request, CancellationToken cancellationToken) =>
        throw BerthException.NotImplemented($"{context.Name}: service and task logs are not implemented by this cluster backend");

    /// <summary>Reads the state under the lock (loaded from its file the first time).</summary>
    private async Task<T> ReadAsync<T>(Func<SwarmState?, T> read, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return read(await CurrentAsync(cancellationToken));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Malformed(e);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Changes a manager's state and saves it; when a change fails the documents are read again from the file.</summary>
    private async Task<T> ChangeAsync<T>(Func<SwarmState, DateTimeOffset, T> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var current = Manager(await CurrentAsync(cancellationToken));
            try
            {
                var result = change(current, DateTimeOffset.UtcNow);
                await current.SaveAsync(stateFile, cancellationToken);
                Signal();
                return result;
            }
            catch (Exception e)
            {
                loaded = false; // the documents may be half changed
                if (e is InvalidOperationException or FormatException) throw Malformed(e);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SwarmState?> CurrentAsync(CancellationToken cancellationToken)
    {
        if (!loaded)
        {
            state = await SwarmState.LoadAsync(stateFile, cancellationToken);
            loaded = true;
        }
        return state;
    }

    private void Signal()
    {
        var previous = changed;
        changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A field of the wrong JSON type (a string where a number belongs…): Docker answers 400.</summary>
    private static BerthException Malformed(Exception e) => BerthException.Invalid($"malformed request: {e.Message}");

    private static SwarmState Manager(SwarmState? s) => s ?? throw BerthException.Unavailable(NotManager);

    private static NodeAssignments AssignmentsOf(SwarmState s)
    {
        var tasks = s.Objects("tasks").Select(p => p.Value!.AsObject()).Where(t => t["NodeID"]?.GetValue<string>() == s.NodeId).ToList();
        var services = s.Objects("services").ToDictionary(p => p.Key, p => SwarmState.NameOf("services", p.Value!.AsObject()) ?? p.Key);
        return new NodeAssignments(s.Index.ToString(CultureInfo.InvariantCulture), s.NodeId, [.. tasks.Select(t => ElementOf(t))], services, FilesOf(s, tasks, "secrets"), FilesOf(s, tasks, "configs"));
    }

    /// <summary>The payloads of the secrets or configs the tasks reference: only they reach the node.</summary>
    private static List<AssignedFile> FilesOf(SwarmState s, List<JsonObject> tasks, string kind) =>
        [.. tasks.SelectMany(t => References(t["Spec"], kind)).Distinct().Select(id => s.Objects(kind)[id]?.AsObject()).OfType<JsonObject>()
            .Select(d => new AssignedFile(SwarmState.Id(d), SwarmState.NameOf(kind, d) ?? "", Convert.FromBase64String(d["Spec"]?["Data"]?.GetValue<string>() ?? "")))];

    /// <summary>The secret or config ids a task template's container refers to.</summary>
    private static IEnumerable<string> References(JsonNode? taskTemplate, string kind) =>
        (taskTemplate?["ContainerSpec"]?[kind == "secrets" ? "Secrets" : "Configs"]?.AsArray() ?? [])
            .Select(r => r?[kind == "secrets" ? "SecretID" : "ConfigID"]?.GetValue<string>()).OfType<string>();

    private static void CheckService(SwarmState s, JsonObject spec)
    {
        var template = spec["TaskTemplate"];
        if (!DnsLabel().IsMatch(spec["Name"]?.GetValue<string>() ?? "")) throw BerthException.Invalid("name must be valid as a DNS name component");
        if (string.IsNullOrEmpty(template?["ContainerSpec"]?["Image"]?.GetValue<string>())) throw BerthException.Invalid("ContainerSpec: image reference must be provided");
        if (spec["Mode"]?["ReplicatedJob"] is not null || spec["Mode"]?["GlobalJob"] is not null)
            throw BerthException.NotImplemented("swarm jobs are not implemented by this cluster backend");
        if (spec["Mode"]?["Replicated"]?["Replicas"]?.GetValue<long>() < 0) throw BerthException.Invalid("replicas must be 0 or more");
        foreach (var port in spec["EndpointSpec"]?["Ports"]?.AsArray() ?? [])
        {
            // berthd's agent publishes host-mode ports on the task's node; the routing mesh (ingress, the CLI's default) is not here.
            if (port?["PublishMode"]?.GetValue<string>() != "host")
                throw BerthException.NotImplemented("publishing ports through the routing mesh (mode=ingress) is not implemented by this cluster backend; publish with mode=host, e.g. --publish mode=host,target=80,published=8080");
        }
        foreach (var kind in new[] { "secrets", "configs" })
        {
            foreach (var reference in template?["ContainerSpec"]?[kind == "secrets" ? "Secrets" : "Configs"]?.AsArray() ?? [])
                if (reference?["File"]?["Name"] is null) throw BerthException.Invalid($"malformed {Noun(kind)} reference: a file target is required");
            foreach (var id in References(template, kind))
                if (s.Objects(kind)[id] is null) throw BerthException.Invalid($"{Noun(kind)} reference {id} not found");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")]
    private static partial Regex DnsLabel();

    private static void CheckData(string kind, JsonObject spec)
    {
        var data = spec["Data"]?.GetValue<string>() ?? "";
        var length = data.Length * 3 / 4;
        if (length == 0 || length > 500 * 1024 || !Convert.TryFromBase64String(data, new byte[length + 3], out _))
            throw BerthException.Invalid($"{Noun(kind)} data must be base64, larger than 0 and less than 500KB");
    }

    private static void CheckVersion(JsonObject document, long version)
    {
        if (SwarmState.VersionOf(document) != version) throw new BerthException(BerthErrorKind.System, OutOfSequence);
    }

    /// <summary>What a list or get answers: a secret's data never leaves the manager; a service carries its replica counts.</summary>
    private static JsonObject Render(string kind, JsonObject document, SwarmState s)
    {
        var copy = document.DeepClone().AsObject();
        if (kind == "secrets") copy["Spec"]?.AsObject().Remove("Data");
        if (kind == "services")
        {
            copy["ServiceStatus"] = Scheduler.StatusOf(s, document);
            RemoveCredentials(copy["Spec"]?["TaskTemplate"]);
            RemoveCredentials(copy["PreviousSpec"]?["TaskTemplate"]);
        }
        if (kind == "tasks") RemoveCredentials(copy["Spec"]);
        return copy;
    }

    /// <summary>The registry credentials of <c>--with-registry-auth</c> reach only the agent that pulls, never a reader.</summary>
    private static void RemoveCredentials(JsonNode? taskTemplate) => (taskTemplate?["ContainerSpec"] as JsonObject)?.Remove("PullOptions");

    /// <summary>An update sent without credentials keeps the current ones, as swarmkit (else the tasks would change for nothing).</summary>
    private static JsonObject WithCredentialsOf(JsonObject next, JsonObject current)
    {
        if (next["TaskTemplate"]?["ContainerSpec"] is JsonObject container && container["PullOptions"] is null
            && current["TaskTemplate"]?["ContainerSpec"]?["PullOptions"] is { } kept)
            container["PullOptions"] = kept.DeepClone();
        return next;
    }

    /// <summary>The <c>Cluster</c> object of <c>docker info</c>: the swarm without its join tokens.</summary>
    private static JsonElement ClusterOf(SwarmState s)
    {
        var cluster = s.Swarm.DeepClone().AsObject();
        cluster.Remove("JoinTokens");
        return ElementOf(cluster);
    }

    private BerthException AutolockNotImplemented() =>
        BerthException.NotImplemented($"{context.Name}: autolock is not implemented by this cluster backend");

    /// <summary>swarmkit's defaults for what the spec leaves out or zero (the CLI sends zeros); autolock is refused.</summary>
    private JsonObject WithDefaults(JsonObject spec)
    {
        if (spec["EncryptionConfig"]?["AutoLockManagers"]?.GetValue<bool>() == true) throw AutolockNotImplemented();
        var defaults = new JsonObject
        {
            ["Name"] = "default",
            ["Labels"] = new JsonObject(),
            ["Orchestration"] = new JsonObject { ["TaskHistoryRetentionLimit"] = 5 },
            ["Raft"] = new JsonObject { ["SnapshotInterval"] = 10000, ["LogEntriesForSlowFollowers"] = 500, ["ElectionTick"] = 10, ["HeartbeatTick"] = 1 },
            ["Dispatcher"] = new JsonObject { ["HeartbeatPeriod"] = 5_000_000_000L },
            ["CAConfig"] = new JsonObject { ["NodeCertExpiry"] = 7_776_000_000_000_000L },
            ["TaskDefaults"] = new JsonObject(),
            ["EncryptionConfig"] = new JsonObject { ["AutoLockManagers"] = false },
        };
        Merge(spec, defaults);
        return spec;
    }

    private static void Merge(JsonObject target, JsonObject defaults)
    {
        foreach (var (key, value) in defaults)
        {
            if (target[key] is JsonObject inner && value is JsonObject innerDefaults) Merge(inner, innerDefaults);
            else if (IsUnset(target[key])) target[key] = value?.DeepClone();
        }
    }

    private static bool IsUnset(JsonNode? node) => node is null
        || (node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Length == 0)
        || (node.GetValueKind() == JsonValueKind.Number && node.GetValue<double>() == 0);

    /// <summary>The advertised address, else the listen address; nothing listens on it, it is what <c>docker info</c> shows.</summary>
    private static string AddrOf(JsonElement request)
    {
        string? Field(string name) => request.ValueKind == JsonValueKind.Object && request.TryGetProperty(name, out var value) ? value.GetString() : null;
        var chosen = Field("AdvertiseAddr") is { Length: > 0 } advertise ? advertise : Field("ListenAddr") is { Length: > 0 } listen ? listen : "0.0.0.0:2377";
        var colon = chosen.LastIndexOf(':');
        var (host, port) = colon > 0 ? (chosen[..colon], chosen[(colon + 1)..]) : (chosen, "2377");
        return $"{(host is "" or "0.0.0.0" ? "127.0.0.1" : host)}:{port}";
    }

    private static JsonObject NodeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object ? JsonNode.Parse(element.GetRawText())!.AsObject() : throw BerthException.Invalid("the spec must be a JSON object");

    private static JsonElement ElementOf(JsonNode node) => JsonSerializer.SerializeToElement(node);

    private static string Noun(string kind) => kind.TrimEnd('s');
}
