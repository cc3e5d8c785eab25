using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Images.References;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>
/// A task's container as Moby's executor makes it (daemon/cluster/executor/container/container.go): its name, its
/// labels and the Engine API create body from the task's ContainerSpec, Resources, LogDriver and Networks.
/// </summary>
public static class TaskContainerConfig
{
    private static readonly HashSet<string> BuiltinNetworks = ["bridge", "host", "none", "default"];

    /// <summary><c>&lt;service&gt;.&lt;slot&gt;.&lt;task-id&gt;</c>, or <c>&lt;service&gt;.&lt;node-id&gt;.&lt;task-id&gt;</c> for a global service's task.</summary>
    public static string NameOf(TaskAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var task = assignment.Task;
        var slot = task.Slot > 0 ? task.Slot.ToString(CultureInfo.InvariantCulture) : NodeOf(assignment);
        return $"{assignment.ServiceName}.{slot}.{task.Id}";
    }

    /// <summary>The ContainerSpec's labels, then the task's, then the swarm labels, which override both.</summary>
    public static IReadOnlyDictionary<string, string> LabelsOf(TaskAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var task = assignment.Task;
        var labels = new Dictionary<string, string>(task.ContainerSpec.Map("Labels"), StringComparer.Ordinal);
        foreach (var (key, value) in ((JsonElement?)task.Document).Map("Labels")) labels[key] = value;
        labels[SwarmLabels.Task] = "";
        labels[SwarmLabels.TaskId] = task.Id;
        labels[SwarmLabels.TaskName] = NameOf(assignment);
        labels[SwarmLabels.NodeId] = NodeOf(assignment);
        labels[SwarmLabels.ServiceId] = task.ServiceId;
        labels[SwarmLabels.ServiceName] = assignment.ServiceName;
        return labels;
    }

    /// <summary>Moby's <c>image()</c>: the familiar reference, with <c>latest</c> when it names neither tag nor digest.</summary>
    public static string ImageOf(AssignedTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return ImageReference.TryParse(task.Image, out var reference) ? reference.WithDefaultTag().FamiliarString : task.Image;
    }

    /// <summary>The create body (Config with HostConfig and NetworkingConfig inside, as POST /containers/create takes it).</summary>
    public static JsonObject Build(TaskAssignment assignment, IReadOnlyList<TaskFileMount> files)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(files);
        var task = assignment.Task;
        var spec = task.ContainerSpec;
        var body = new JsonObject
        {
            ["Image"] = ImageOf(task),
            ["Labels"] = new JsonObject(LabelsOf(assignment).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["Tty"] = spec.Bool("TTY") ?? false,
            ["OpenStdin"] = spec.Bool("OpenStdin") ?? false,
        };
        SetString(body, "Hostname", spec.String("Hostname"));
        SetString(body, "User", spec.String("User"));
        SetString(body, "WorkingDir", spec.String("Dir"));
        SetString(body, "StopSignal", spec.String("StopSignal"));

        // Command replaces the whole invocation (entrypoint + args); Args alone are the image entrypoint's arguments.
        var command = spec.Strings("Command");
        var args = spec.Strings("Args");
        if (command.Count > 0)
        {
            body["Entrypoint"] = Strings(command);
            body["Cmd"] = Strings(args);
        }
        else if (args.Count > 0)
        {
            body["Cmd"] = Strings(args);
        }

        var env = spec.Strings("Env").Concat(GenericResourceEnv(task.Document)).ToList();
        if (env.Count > 0) body["Env"] = Strings(env);
        if (spec.Child("HealthCheck") is { } health) body["Healthcheck"] = Node(health);
        var ports = HostPorts(task.Document);
        if (ports.Count > 0) body["ExposedPorts"] = new JsonObject(ports.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject())));

        body["HostConfig"] = HostConfig(assignment, files, ports);
        var (mode, endpoints) = Networks(assignment);
        if (mode is not null) ((JsonObject)body["HostConfig"]!)["NetworkMode"] = mode;
        if (endpoints.Count > 0) body["NetworkingConfig"] = new JsonObject { ["EndpointsConfig"] = endpoints };
        return body;
    }

    private static JsonObject HostConfig(TaskAssignment assignment, IReadOnlyList<TaskFileMount> files, IReadOnlyDictionary<string, string> ports)
    {
        var task = assignment.Task;
        var spec = task.ContainerSpec;
        var host = new JsonObject
        {
            // Swarm restarts a task by making a new one: the container itself never restarts.
            ["RestartPolicy"] = new JsonObject { ["Name"] = "no", ["MaximumRetryCount"] = 0 },
        };
        var mounts = new JsonArray();
        foreach (var mount in spec.Items("Mounts")) mounts.Add(Node(mount));
        foreach (var file in files)
            mounts.Add(new JsonObject { ["Type"] = "bind", ["Source"] = file.Source, ["Target"] = file.Target, ["ReadOnly"] = true });
        if (mounts.Count > 0) host["Mounts"] = mounts;
        if (spec.Bool("Init") is { } init) host["Init"] = init;
        if (spec.Bool("ReadOnly") == true) host["ReadonlyRootfs"] = true;
        CopyArray(spec, "Groups", host, "GroupAdd");
        CopyArray(spec, "CapabilityAdd", host, "CapAdd");
        CopyArray(spec, "CapabilityDrop", host, "CapDrop");
        CopyArray(spec, "Ulimits", host, "Ulimits");
        if (spec.Child("Sysctls") is { ValueKind: JsonValueKind.Object } sysctls) host["Sysctls"] = Node(sysctls);
        if (spec.Int64("OomScoreAdj") is { } oom and not 0) host["OomScoreAdj"] = oom;
        var dns = spec.Child("DNSConfig");
        CopyArray(dns, "Nameservers", host, "Dns");
        CopyArray(dns, "Search", host, "DnsSearch");
        CopyArray(dns, "Options", host, "DnsOptions");
        var extraHosts = ExtraHosts(spec.Strings("Hosts"));
        if (extraHosts.Count > 0) host["ExtraHosts"] = Strings(extraHosts);
        var securityOpt = SecurityOptions(spec.Child("Privileges"));
        if (securityOpt.Count > 0) host["SecurityOpt"] = Strings(securityOpt);

        var resources = task.Spec.Child("Resources");
        var limits = resources.Child("Limits");
        if (limits.Int64("MemoryBytes") is > 0 and var memory) host["Memory"] = memory;
        if (limits.Int64("NanoCPUs") is > 0 and var cpus) host["NanoCpus"] = cpus;
        if (limits.Int64("Pids") is > 0 and var pids) host["PidsLimit"] = pids;
        if (resources.Child("Reservations").Int64("MemoryBytes") is > 0 and var reservation) host["MemoryReservation"] = reservation;

        if (task.Spec.Child("LogDriver") is { } logDriver && logDriver.String("Name") is { Length: > 0 } driver)
        {
            host["LogConfig"] = new JsonObject
            {
                ["Type"] = driver,
                ["Config"] = logDriver.Child("Options") is { ValueKind: JsonValueKind.Object } options ? Node(options) : new JsonObject(),
            };
        }
        if (ports.Count > 0)
        {
            host["PortBindings"] = new JsonObject(ports.Select(p => KeyValuePair.Create(p.Key,
                (JsonNode?)new JsonArray(new JsonObject { ["HostIp"] = "", ["HostPort"] = p.Value }))));
        }
        return host;
    }

    /// <summary>
    /// No networks: the daemon's default network, as Moby. Otherwise each target (a swarm network's id, resolved to its
    /// name through the task's NetworksAttachments, or a local network's name or id) is joined as a local network; the
    /// first is the network mode. On user-defined networks the service name and <c>tasks.&lt;service&gt;</c> are aliases, so
    /// the embedded DNS answers both with the addresses of the service's tasks on that network.
    /// </summary>
    private static (string? Mode, JsonObject Endpoints) Networks(TaskAssignment assignment)
    {
        var task = assignment.Task;
        JsonElement? document = task.Document;
        var attachments = document.Items("NetworksAttachments")
            .Select(a => a.Child("Network"))
            .Where(n => n.String("ID") is not null)
            .ToDictionary(n => n.String("ID")!, n => n.Child("Spec").String("Name"), StringComparer.Ordinal);
        var endpoints = new JsonObject();
        string? mode = null;
        foreach (var network in task.Spec.Items("Networks"))
        {
            var target = network.String("Target");
            if (string.IsNullOrEmpty(target)) continue;
            var name = attachments.GetValueOrDefault(target) ?? target;
            mode ??= name;
            if (endpoints.ContainsKey(name)) continue;
            var settings = new JsonObject();
            if (!BuiltinNetworks.Contains(name))
            {
                // Without VIPs, the service name resolves as with --endpoint-mode dnsrr: to the addresses of its tasks.
                var aliases = ((JsonElement?)network).Strings("Aliases").Prepend($"tasks.{assignment.ServiceName}").Prepend(assignment.ServiceName)
                    .Distinct(StringComparer.Ordinal);
                settings["Aliases"] = Strings(aliases);
            }
            if (network.Child("DriverOpts") is { ValueKind: JsonValueKind.Object } driverOpts) settings["DriverOpts"] = Node(driverOpts);
            endpoints[name] = settings;
        }
        return (mode, endpoints);
    }

    /// <summary>Host-mode published ports of the task's endpoint: "80/tcp" → host port ("" for a dynamic one).</summary>
    private static SortedDictionary<string, string> HostPorts(JsonElement document)
    {
        var ports = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var port in ((JsonElement?)document).Child("Endpoint").Items("Ports"))
        {
            JsonElement? p = port;
            var target = p.Int64("TargetPort") ?? 0;
            if (p.String("PublishMode") != "host" || target is <= 0 or > 65535) continue;
            var published = p.Int64("PublishedPort") is > 0 and var n ? n.ToString(CultureInfo.InvariantCulture) : "";
            ports[$"{target}/{p.String("Protocol") ?? "tcp"}"] = published;
        }
        return ports;
    }

    /// <summary>swarmkit's genericresource.EnvFormat: DOCKER_RESOURCE_&lt;KIND&gt;=v1,v2 for the resources assigned to the task.</summary>
    private static IEnumerable<string> GenericResourceEnv(JsonElement document)
    {
        var byKind = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var resource in ((JsonElement?)document).Items("AssignedGenericResources"))
        {
            JsonElement? named = resource.Child("NamedResourceSpec");
            JsonElement? discrete = resource.Child("DiscreteResourceSpec");
            var (kind, value) = named is not null
                ? (named.String("Kind"), named.String("Value"))
                : (discrete.String("Kind"), discrete.Int64("Value")?.ToString(CultureInfo.InvariantCulture));
            if (kind is null || value is null) continue;
            var key = kind.ToUpperInvariant();
            if (!byKind.TryGetValue(key, out var values)) byKind[key] = values = [];
            values.Add(value);
        }
        return byKind.Select(p => $"DOCKER_RESOURCE_{p.Key}={string.Join(',', p.Value)}");
    }

    /// <summary>Swarm's hosts entries are <c>IP name [aliases…]</c>; HostConfig.ExtraHosts wants <c>name:IP</c> (aliases are ignored, as Moby).</summary>
    private static List<string> ExtraHosts(IReadOnlyList<string> hosts) =>
        hosts.Select(h => h.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length > 1)
            .Select(parts => $"{parts[1]}:{parts[0]}")
            .ToList();

    private static List<string> SecurityOptions(JsonElement? privileges)
    {
        var options = new List<string>();
        if (privileges is null) return options;
        if (privileges.Child("Seccomp").String("Mode") == "unconfined") options.Add("seccomp=unconfined");
        else if (privileges.Child("Seccomp").String("Mode") == "custom" && privileges.Child("Seccomp").String("Profile") is { } profile)
            options.Add("seccomp=" + profile);
        if (privileges.Child("AppArmor").String("Mode") == "disabled") options.Add("apparmor=unconfined");
        if (privileges.Bool("NoNewPrivileges") == true) options.Add("no-new-privileges=true");
        return options;
    }

    private static string NodeOf(TaskAssignment assignment) => assignment.Task.NodeId.Length > 0 ? assignment.Task.NodeId : assignment.NodeId;

    private static void SetString(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) target[name] = value;
    }

    private static void CopyArray(JsonElement? source, string name, JsonObject target, string targetName)
    {
        if (source.Child(name) is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0) target[targetName] = Node(array);
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static JsonNode? Node(JsonElement element) => JsonNode.Parse(element.GetRawText());
}
