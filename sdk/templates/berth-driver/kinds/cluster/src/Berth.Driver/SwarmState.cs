using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Berth.Sdk;
using Berth.Sdk.Storage;

namespace Berth.Driver;

/// <summary>
/// Everything the swarm knows as Engine API documents — the swarm, its one node, services, tasks, secrets, configs —
/// kept in one JSON file that is written whole and renamed into place. Every change takes the next version index,
/// which is also the revision of the node's assignments.
/// </summary>
public sealed class SwarmState
{
    public static readonly string[] Kinds = ["nodes", "services", "tasks", "secrets", "configs"];
    private readonly JsonObject root;

    private SwarmState(JsonObject root) => this.root = root;

    public string NodeId => root["NodeId"]!.GetValue<string>();

    /// <summary>The node's address as <c>host:port</c>.</summary>
    public string Addr => root["Addr"]!.GetValue<string>();

    public long Index => root["Index"]!.GetValue<long>();

    /// <summary>The <c>GET /swarm</c> document.</summary>
    public JsonObject Swarm => root["Swarm"]!.AsObject();

    public JsonObject Node => Objects("nodes")[NodeId]!.AsObject();

    public static SwarmState Create(string addr, JsonObject spec, DateTimeOffset now)
    {
        var state = new SwarmState(new JsonObject { ["NodeId"] = NewId(), ["Addr"] = addr, ["Index"] = 0L });
        foreach (var kind in Kinds) state.root[kind] = new JsonObject();
        var swarm = new JsonObject
        {
            ["ID"] = NewId(),
            ["CreatedAt"] = Timestamp(now),
            ["Spec"] = spec,
            ["JoinTokens"] = new JsonObject { ["Worker"] = "", ["Manager"] = "" },
        };
        state.root["Swarm"] = swarm;
        state.Stamp(swarm, now);
        state.Add("nodes", new JsonObject
        {
            ["ID"] = state.NodeId,
            ["Spec"] = new JsonObject { ["Role"] = "manager", ["Availability"] = "active", ["Labels"] = new JsonObject() },
            ["Description"] = new JsonObject
            {
                ["Hostname"] = Environment.MachineName,
                ["Platform"] = new JsonObject { ["Architecture"] = Architecture(), ["OS"] = "linux" },
            },
            ["Status"] = new JsonObject { ["State"] = "ready", ["Addr"] = HostOf(addr) },
            ["ManagerStatus"] = new JsonObject { ["Leader"] = true, ["Reachability"] = "reachable", ["Addr"] = addr },
        }, now);
        return state;
    }

    /// <returns>Null when the file does not exist: this node is in no swarm.</returns>
    public static async Task<SwarmState?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        var root = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken))?.AsObject()
            ?? throw new BerthException(BerthErrorKind.System, $"{path} holds no swarm state");
        return new SwarmState(root);
    }

    /// <summary>
    /// Written whole to a temporary file and renamed (AtomicFile): a crash leaves the old state or the new one. Only
    /// root reads it: it holds secrets and registry credentials, unencrypted (swarmkit seals them; so should you).
    /// </summary>
    public Task SaveAsync(string path, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()), cancellationToken);

    /// <summary>The documents of one kind by id.</summary>
    public JsonObject Objects(string kind) =>
        Kinds.Contains(kind) ? root[kind]!.AsObject() : throw BerthException.Invalid($"unknown object kind \"{kind}\"");

    /// <summary>Docker's lookup: the full id, then the name, then a unique id prefix.</summary>
    public JsonObject? Find(string kind, string idOrName)
    {
        var objects = Objects(kind);
        if (objects[idOrName] is JsonObject byId) return byId;
        var all = objects.Select(p => p.Value!.AsObject()).ToList();
        if (all.FirstOrDefault(o => NameOf(kind, o) == idOrName) is { } byName) return byName;
        var byPrefix = all.Where(o => Id(o).StartsWith(idOrName, StringComparison.Ordinal)).ToList();
        return idOrName.Length > 0 && byPrefix.Count == 1 ? byPrefix[0] : null;
    }

    public JsonObject Require(string kind, string idOrName) =>
        Find(kind, idOrName) ?? throw BerthException.NotFound($"{kind.TrimEnd('s')} {idOrName} not found");

    /// <summary>Adds a document (an ID is made unless it has one), with its creation time and version; returns the ID.</summary>
    public string Add(string kind, JsonObject document, DateTimeOffset now)
    {
        var id = document["ID"]?.GetValue<string>() ?? NewId();
        document["ID"] = id;
        document["CreatedAt"] = Timestamp(now);
        Stamp(document, now);
        Objects(kind)[id] = document;
        return id;
    }

    public void Remove(string kind, string id)
    {
        Objects(kind).Remove(id);
        root["Index"] = Index + 1;
    }

    /// <summary>Marks a document changed: the next version index and the update time.</summary>
    public void Stamp(JsonObject document, DateTimeOffset now)
    {
        root["Index"] = Index + 1;
        document["Version"] = new JsonObject { ["Index"] = Index };
        document["UpdatedAt"] = Timestamp(now);
    }

    public IEnumerable<JsonObject> TasksOf(string serviceId) =>
        Objects("tasks").Select(p => p.Value!.AsObject()).Where(t => t["ServiceID"]?.GetValue<string>() == serviceId).ToList();

    public static string Id(JsonObject document) => document["ID"]!.GetValue<string>();

    public static string? NameOf(string kind, JsonObject document) =>
        kind == "nodes" ? document["Description"]?["Hostname"]?.GetValue<string>() : document["Spec"]?["Name"]?.GetValue<string>();

    public static long VersionOf(JsonObject document) => document["Version"]?["Index"]?.GetValue<long>() ?? 0;

    /// <summary>The host of <c>host:port</c> (<c>[v6]:port</c> too).</summary>
    public static string HostOf(string addr) => addr[..Math.Max(addr.LastIndexOf(':'), 0)].Trim('[', ']');

    /// <summary>As Docker names it (uname -m).</summary>
    private static string Architecture() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>RFC 3339 with nanoseconds, as Go writes times.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>25 lowercase letters and digits, as swarmkit's ids.</summary>
    private static string NewId() => string.Concat(RandomNumberGenerator.GetItems("abcdefghijklmnopqrstuvwxyz0123456789".AsSpan(), 25));
}
