using System.Text.Json.Nodes;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// The spec's <c>mounts</c> as Moby's withMounts builds them: the defaults not overridden by a user mount (nothing under
/// /dev when /dev itself is mounted, no /dev/shm with IpcMode none), then the user mounts sorted by depth; "ro" on
/// defaults for a read-only rootfs; /sys and cgroup writable for privileged containers.
/// </summary>
internal static class MountSpec
{
    private static readonly HashSet<string> KeptWritableWithReadonlyRootfs = new(StringComparer.Ordinal) { "/proc", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev" };

    public sealed record Result(JsonArray Mounts, string? RootfsPropagation);

    public static Result Build(
        JsonObject hostConfig, IReadOnlyList<OciMount> inputMounts, OciMount? initMount, bool privileged, bool writableCgroups)
    {
        var userMounts = UserMounts(hostConfig, inputMounts);
        var userDestinations = userMounts.Select(m => m.Destination).ToHashSet(StringComparer.Ordinal);
        var mountDev = userDestinations.Contains("/dev");
        var ipcNone = JsonRead.String(hostConfig, "IpcMode") == "none";
        var shmSize = JsonRead.Long(hostConfig, "ShmSize");
        if (shmSize <= 0) shmSize = OciDefaults.DefaultShmSize;

        var mounts = new List<OciMount>();
        foreach (var mount in initMount is null ? OciDefaults.Mounts : [.. OciDefaults.Mounts, initMount])
        {
            if (userDestinations.Contains(mount.Destination)) continue;
            if (mountDev && mount.Destination.StartsWith("/dev/", StringComparison.Ordinal)) continue;
            if (mount.Destination == "/dev/shm")
            {
                if (ipcNone) continue;
                mounts.Add(mount with { Options = [.. mount.Options, $"size={shmSize}"] });
                continue;
            }
            mounts.Add(mount);
        }
        mounts.AddRange(userMounts);

        if (JsonRead.Bool(hostConfig, "ReadonlyRootfs"))
        {
            for (var i = 0; i < mounts.Count; i++)
            {
                var mount = mounts[i];
                if (KeptWritableWithReadonlyRootfs.Contains(mount.Destination) || userDestinations.Contains(mount.Destination)) continue;
                if (!mount.Options.Contains("ro")) mounts[i] = mount with { Options = [.. mount.Options, "ro"] };
            }
        }
        for (var i = 0; i < mounts.Count; i++)
        {
            var mount = mounts[i];
            if ((privileged && mount.Destination == "/sys") || (writableCgroups && mount.Type == "cgroup"))
                mounts[i] = mount with { Options = mount.Options.Where(o => o != "ro").ToList() };
        }
        return new Result(new JsonArray(mounts.Select(ToJson).ToArray()), RootfsPropagation(userMounts));
    }

    /// <summary>The kernel's mounts (a later one wins for the same destination) plus HostConfig.Tmpfs, sorted by depth.</summary>
    private static List<OciMount> UserMounts(JsonObject hostConfig, IReadOnlyList<OciMount> inputMounts)
    {
        var byDestination = new List<OciMount>();
        foreach (var mount in inputMounts)
        {
            var cleaned = mount with { Options = mount.Options.Where(o => !string.IsNullOrEmpty(o)).ToList() };
            var existing = byDestination.FindIndex(m => m.Destination == mount.Destination);
            if (existing >= 0) byDestination[existing] = cleaned;
            else byDestination.Add(cleaned);
        }
        foreach (var (destination, data) in JsonRead.StringMap(hostConfig, "Tmpfs"))
        {
            if (byDestination.Any(m => m.Destination == destination)) continue;
            byDestination.Add(new OciMount(destination, "tmpfs", "tmpfs", TmpfsOptions.ForTmpfs(data)));
        }
        return byDestination.OrderBy(m => Depth(m.Destination)).ToList();
    }

    /// <summary>Moby's mountSort: the number of separators in the cleaned destination (OrderBy is stable).</summary>
    private static int Depth(string destination)
    {
        var parts = destination.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return destination.StartsWith('/') ? Math.Max(parts.Count, 1) : parts.Count;
    }

    /// <summary>A shared bind needs a shared rootfs; a slave one rslave (Moby's propagation handling).</summary>
    private static string? RootfsPropagation(List<OciMount> userMounts)
    {
        var options = userMounts.Where(m => m.Type == "bind").SelectMany(m => m.Options).ToHashSet(StringComparer.Ordinal);
        if (options.Contains("shared") || options.Contains("rshared")) return "shared";
        if (options.Contains("slave") || options.Contains("rslave")) return "rslave";
        return null;
    }

    private static JsonObject ToJson(OciMount mount) => new()
    {
        ["destination"] = mount.Destination,
        ["type"] = mount.Type,
        ["source"] = mount.Source,
        ["options"] = new JsonArray(mount.Options.Select(o => (JsonNode)o).ToArray()),
    };
}
