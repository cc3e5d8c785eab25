using Berth.Sdk;

namespace Berth.Kernel.Containers;

/// <summary>The network modes this version runs: none, host and container:&lt;id&gt;. Bridge networks come with the bridge-net plugin.</summary>
public static class NetworkModes
{
    public static void CheckSupported(string mode)
    {
        if (mode is "none" or "host" || mode.StartsWith("container:", StringComparison.Ordinal)) return;
        throw BerthException.NotImplemented(
            $"network mode \"{mode}\" is not supported by this version of Berth yet: container networks arrive with the bridge-net plugin; use --network none or --network host");
    }

    /// <summary>Namespaces joined from another container (<c>container:&lt;id&gt;</c> modes) → /proc/&lt;pid&gt;/ns/… paths.</summary>
    public static IReadOnlyDictionary<string, string> NamespacePaths(Container container, ContainerStore store)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(store);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        Join(paths, "network", "net", "network", container.NetworkMode, store);
        Join(paths, "ipc", "ipc", "IPC", container.HostConfig["IpcMode"]?.GetValue<string>(), store);
        Join(paths, "pid", "pid", "PID", container.HostConfig["PidMode"]?.GetValue<string>(), store);
        return paths;
    }

    private static void Join(Dictionary<string, string> paths, string kind, string nsFile, string what, string? mode, ContainerStore store)
    {
        if (mode is null || !mode.StartsWith("container:", StringComparison.Ordinal)) return;
        var other = store.Get(mode["container:".Length..]);
        if (!other.State.Running) throw BerthException.Conflict($"cannot join {what} of a non running container: {other.Id}");
        paths[kind] = $"/proc/{other.State.Pid}/ns/{nsFile}";
    }
}
