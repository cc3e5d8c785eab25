using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// <c>linux.namespaces</c> from the Network/Ipc/Pid/UTS/Cgroupns/Userns modes (Moby's WithNamespaces): new by default,
/// none for "host", the other container's /proc/&lt;pid&gt;/ns path for "container:&lt;id&gt;", the sandbox's namespace
/// file for a container on networks.
/// </summary>
internal static class NamespaceSpec
{
    public sealed record Result(JsonArray Namespaces, bool PrivateNetwork, bool UtsHost, bool PrivatePid)
    {
        public bool Has(string type) => Namespaces.OfType<JsonObject>().Any(n => JsonRead.String(n, "type") == type);
    }

    public static Result Build(JsonObject config, JsonObject hostConfig, IReadOnlyDictionary<string, string> paths, HostSupport host)
    {
        var namespaces = new List<(string Type, string? Path)> { ("mount", null), ("network", null), ("uts", null), ("pid", null), ("ipc", null) };

        var usernsMode = JsonRead.String(hostConfig, "UsernsMode");
        if (usernsMode is not ("" or "host"))
            throw BerthException.Invalid($"invalid USER mode: {usernsMode} (user namespaces are not supported by Berth)");

        var networkMode = JsonRead.String(hostConfig, "NetworkMode");
        var networkContainer = ContainerOf(networkMode);
        if (!JsonRead.Bool(config, "NetworkDisabled"))
        {
            if (networkContainer is not null) Set(namespaces, "network", Joined(paths, "network", networkContainer, "network"));
            else if (networkMode == "host") namespaces.RemoveAll(n => n.Type == "network");
            else if (paths.TryGetValue("network", out var sandbox)) Set(namespaces, "network", sandbox); // the container's network sandbox
        }

        var ipcMode = JsonRead.String(hostConfig, "IpcMode");
        var ipcContainer = ContainerOf(ipcMode);
        if (ipcContainer is null && ipcMode is not ("" or "none" or "private" or "host" or "shareable"))
            throw BerthException.Invalid($"invalid IPC mode: {ipcMode}");
        if (ipcContainer is not null) Set(namespaces, "ipc", Joined(paths, "ipc", ipcContainer, "IPC"));
        else if (ipcMode == "host") namespaces.RemoveAll(n => n.Type == "ipc");

        var pidMode = JsonRead.String(hostConfig, "PidMode");
        var pidContainer = ContainerOf(pidMode);
        if (!(pidMode is "" or "host" || pidContainer is { Length: > 0 })) throw BerthException.Invalid($"invalid PID mode: {pidMode}");
        if (pidContainer is not null) Set(namespaces, "pid", Joined(paths, "pid", pidContainer, "PID"));
        else if (pidMode == "host") namespaces.RemoveAll(n => n.Type == "pid");

        var utsMode = JsonRead.String(hostConfig, "UTSMode");
        if (utsMode is not ("" or "host")) throw BerthException.Invalid($"invalid UTS mode: {utsMode}");
        if (utsMode == "host") namespaces.RemoveAll(n => n.Type == "uts");
        else if (paths.TryGetValue("uts", out var utsPath)) Set(namespaces, "uts", utsPath);

        if (CgroupnsPrivate(hostConfig, host)) namespaces.Add(("cgroup", null));

        var json = new JsonArray(namespaces.Select(n =>
        {
            var entry = new JsonObject { ["type"] = n.Type };
            if (n.Path is not null) entry["path"] = n.Path;
            return (JsonNode)entry;
        }).ToArray());
        var privateNetwork = networkMode != "host" && networkContainer is null;
        return new Result(json, privateNetwork, utsMode == "host", pidMode != "host" && pidContainer is null);
    }

    /// <summary>CgroupnsMode, defaulting as Moby's adaptContainerSettings: private on pure v2 (unless…), host on v1/hybrid and for privileged.</summary>
    public static bool CgroupnsPrivate(JsonObject hostConfig, HostSupport host)
    {
        var mode = JsonRead.String(hostConfig, "CgroupnsMode");
        if (mode is not ("" or "private" or "host")) throw BerthException.Invalid($"invalid cgroup namespace mode: {mode}");
        if (mode.Length == 0)
            mode = host.CgroupMode == CgroupMode.Unified ? "private" : "host";
        return mode == "private" && host.CgroupNamespaces;
    }

    /// <summary>The id or name after "container:", or null for other modes.</summary>
    internal static string? ContainerOf(string mode) =>
        mode.StartsWith("container:", StringComparison.Ordinal) ? mode["container:".Length..] : null;

    private static string Joined(IReadOnlyDictionary<string, string> paths, string kind, string container, string label) =>
        paths.TryGetValue(kind, out var path) && path.Length > 0
            ? path
            : throw BerthException.Invalid($"failed to join {label} namespace: container {container} is not running (no namespace path resolved)");

    private static void Set(List<(string Type, string? Path)> namespaces, string type, string path)
    {
        var index = namespaces.FindIndex(n => n.Type == type);
        if (index >= 0) namespaces[index] = (type, path);
        else namespaces.Add((type, path));
    }
}
