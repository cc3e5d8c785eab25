using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>moby/sys/mount.MergeTmpfsOptions: later options win over earlier ones that set the same flag or data key.</summary>
internal static class TmpfsOptions
{
    private const int Propagation = -1;

    /// <summary>Mount flags by name, as bit numbers; options sharing a bit collide ("ro"/"rw", "exec"/"noexec").</summary>
    private static readonly Dictionary<string, int> Flags = new(StringComparer.Ordinal)
    {
        ["ro"] = 1, ["rw"] = 1, ["suid"] = 2, ["nosuid"] = 2, ["dev"] = 4, ["nodev"] = 4, ["exec"] = 8, ["noexec"] = 8,
        ["sync"] = 16, ["async"] = 16, ["dirsync"] = 128, ["remount"] = 32, ["mand"] = 64, ["nomand"] = 64,
        ["atime"] = 1024, ["noatime"] = 1024, ["diratime"] = 2048, ["nodiratime"] = 2048, ["bind"] = Propagation, ["rbind"] = Propagation,
        ["relatime"] = 1 << 21, ["norelatime"] = 1 << 21, ["strictatime"] = 1 << 24, ["nostrictatime"] = 1 << 24,
        ["unbindable"] = Propagation, ["runbindable"] = Propagation, ["private"] = Propagation, ["rprivate"] = Propagation,
        ["shared"] = Propagation, ["rshared"] = Propagation, ["slave"] = Propagation, ["rslave"] = Propagation,
    };

    private static readonly HashSet<string> DataKeys = new(StringComparer.Ordinal) { "", "size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol" };

    /// <summary>The options of a <c>--tmpfs dest:data</c> mount: noexec,nosuid,nodev,rprivate then the user's.</summary>
    public static IReadOnlyList<string> ForTmpfs(string data)
    {
        var options = new List<string> { "noexec", "nosuid", "nodev", "rprivate" };
        if (data.Length > 0) options.AddRange(data.Split(','));
        return Merge(options);
    }

    /// <exception cref="BerthException">Invalid: <c>invalid tmpfs option ["x"]</c>.</exception>
    public static IReadOnlyList<string> Merge(IReadOnlyList<string> options)
    {
        var flagsSeen = new HashSet<int>();
        var dataSeen = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<string>();
        for (var i = options.Count - 1; i >= 0; i--)
        {
            var option = options[i];
            if (option == "defaults") continue;
            if (Flags.TryGetValue(option, out var flag))
            {
                if (flagsSeen.Add(flag)) merged.Insert(0, option);
                continue;
            }
            var pair = option.Split('=', 2);
            if (pair.Length != 2 || !DataKeys.Contains(pair[0]))
                throw BerthException.Invalid($"invalid tmpfs option [{string.Join(' ', pair.Select(p => $"\"{p}\""))}]");
            if (dataSeen.Add(pair[0])) merged.Insert(0, option);
        }
        return merged;
    }
}
