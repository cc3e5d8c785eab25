using Berth.Sdk;

namespace Berth.Kernel.Containers;

/// <summary>The namespaces a container joins instead of getting new ones: its network sandbox, or another container's.</summary>
public static class NetworkModes
{
    /// <summary>
    /// Namespaces joined from another container (<c>container:&lt;id&gt;</c> modes) → /proc/&lt;pid&gt;/ns/… paths, and
    /// the container's own network sandbox when it has one.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NamespacePaths(Container container, ContainerStore store, string? sandbox = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(store);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        if (sandbox is not null) paths["network"] = sandbox;
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
