using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// <c>linux.sysctl</c>: Moby's defaults for a private network namespace, kernel.domainname from Config.Domainname, then
/// HostConfig.Sysctls — each checked as runc checks them (only namespaced sysctls, and only in a namespace of their own),
/// so a bad one fails here with runc's words instead of at start.
/// </summary>
internal static class SysctlSpec
{
    private static readonly HashSet<string> IpcSysctls = new(StringComparer.Ordinal)
    {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    };

    public static JsonObject? Build(JsonObject config, JsonObject hostConfig, HostSupport host, NamespaceSpec.Result namespaces)
    {
        var sysctls = new Dictionary<string, string>(StringComparer.Ordinal);
        if (namespaces.PrivateNetwork)
        {
            if (!host.InUserNamespace && host.DefaultSysctls.Contains("net.ipv4.ping_group_range"))
                sysctls["net.ipv4.ping_group_range"] = "0 2147483647";
            if (host.DefaultSysctls.Contains("net.ipv4.ip_unprivileged_port_start"))
                sysctls["net.ipv4.ip_unprivileged_port_start"] = "0";
        }
        if (JsonRead.String(config, "Domainname") is { Length: > 0 } domain) sysctls["kernel.domainname"] = domain;
        foreach (var (name, value) in JsonRead.StringMap(hostConfig, "Sysctls")) sysctls[name] = value;
        foreach (var name in sysctls.Keys) Check(name, namespaces);
        if (sysctls.Count == 0) return null;
        var json = new JsonObject();
        foreach (var (name, value) in sysctls) json[name] = value;
        return json;
    }

    /// <summary>runc's validator: IPC sysctls need a private IPC namespace, net.* a network namespace of its own, kernel.domainname a UTS one.</summary>
    /// <exception cref="BerthException">Invalid, with runc's message (<c>sysctl "net.x" not allowed in host network namespace</c>).</exception>
    private static void Check(string raw, NamespaceSpec.Result namespaces)
    {
        var name = DotSeparated(raw);
        if (IpcSysctls.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
        {
            if (namespaces.Has("ipc")) return;
            throw BerthException.Invalid($"sysctl \"{name}\" is not allowed in the hosts ipc namespace");
        }
        if (name.StartsWith("net.", StringComparison.Ordinal))
        {
            if (namespaces.Has("network")) return;
            throw BerthException.Invalid($"sysctl \"{name}\" not allowed in host network namespace");
        }
        if (namespaces.Has("uts"))
        {
            if (name == "kernel.domainname") return;
            if (name == "kernel.hostname") throw BerthException.Invalid($"sysctl \"{name}\" is not allowed as it conflicts with the OCI \"hostname\" field");
        }
        throw BerthException.Invalid($"sysctl \"{name}\" is not in a separate kernel namespace");
    }

    /// <summary>runc's convertSysctlVariableToDotsSeparator: "net/ipv4/ip_forward" → "net.ipv4.ip_forward".</summary>
    private static string DotSeparated(string name)
    {
        var first = name.IndexOfAny(['.', '/']);
        if (first < 0 || name[first] == '.') return name;
        return string.Concat(name.Select(c => c switch { '.' => '/', '/' => '.', _ => c }));
    }
}
