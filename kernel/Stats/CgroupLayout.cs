using System.Globalization;
using System.Text;

namespace Berth.Kernel.Stats;

/// <summary>
/// Where this machine mounts its cgroups, detected once from mountinfo. Containers run by runc with the cgroupfs
/// driver live at <c>&lt;hierarchy mount&gt;/&lt;cgroupsPath&gt;</c> in every hierarchy.
/// </summary>
public sealed class CgroupLayout
{
    /// <param name="version">How the hierarchies are mounted.</param>
    /// <param name="controllers">v1 controller name → mount point (empty on V2).</param>
    /// <param name="unifiedMount">The cgroup2 mount point (V2, Hybrid), else null.</param>
    public CgroupLayout(CgroupVersion version, IReadOnlyDictionary<string, string> controllers, string? unifiedMount)
    {
        ArgumentNullException.ThrowIfNull(controllers);
        Version = version;
        Controllers = new SortedDictionary<string, string>(controllers.ToDictionary(), StringComparer.Ordinal);
        UnifiedMount = unifiedMount;
    }

    public CgroupVersion Version { get; }

    /// <summary>v1 controller name (cpu, cpuacct, memory, pids, blkio, …) → its hierarchy's mount point.</summary>
    public IReadOnlyDictionary<string, string> Controllers { get; }

    /// <summary>The cgroup2 mount point: the whole tree on V2, the controller-less one on Hybrid.</summary>
    public string? UnifiedMount { get; }

    /// <summary>Reads <c>/proc/self/mountinfo</c> (falling back to <c>/proc/mounts</c>).</summary>
    public static CgroupLayout Detect() => Detect("/proc");

    /// <summary>As <see cref="Detect()"/> with another proc root (tests).</summary>
    public static CgroupLayout Detect(string procRoot)
    {
        var mountinfo = Path.Combine(procRoot, "self", "mountinfo");
        if (File.Exists(mountinfo)) return FromMounts(CgroupMountTable.ParseMountinfo(File.ReadAllText(mountinfo)));
        var mounts = Path.Combine(procRoot, "mounts");
        return FromMounts(File.Exists(mounts) ? CgroupMountTable.ParseMounts(File.ReadAllText(mounts)) : []);
    }

    /// <summary>
    /// V1 when only v1 hierarchies carry controllers, Hybrid when a cgroup2 mount sits beside them, V2 when there are no
    /// v1 controllers (the cgroup2 mount at /sys/fs/cgroup preferred).
    /// </summary>
    public static CgroupLayout FromMounts(IReadOnlyList<CgroupMount> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        var controllers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in mounts.Where(m => !m.IsV2))
            foreach (var controller in mount.Controllers)
                controllers.TryAdd(controller, mount.MountPoint);
        var v2 = mounts.Where(m => m.IsV2).Select(m => m.MountPoint).ToList();
        var unified = v2.Contains("/sys/fs/cgroup") ? "/sys/fs/cgroup" : v2.FirstOrDefault();
        if (controllers.Count == 0) return new CgroupLayout(CgroupVersion.V2, controllers, unified);
        return new CgroupLayout(unified is null ? CgroupVersion.V1 : CgroupVersion.Hybrid, controllers, unified);
    }

    /// <summary>
    /// A layout read off a directory laid out like /sys/fs/cgroup (a fake tree in tests): <c>cgroup.controllers</c> at the
    /// root means V2; otherwise every subdirectory named after controllers (<c>memory</c>, <c>cpu,cpuacct</c>) is a v1
    /// hierarchy, and one holding <c>cgroup.controllers</c> (<c>unified</c>) makes it Hybrid.
    /// </summary>
    public static CgroupLayout FromTree(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
            return new CgroupLayout(CgroupVersion.V2, new Dictionary<string, string>(), root);
        var mounts = new List<CgroupMount>();
        foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "cgroup.controllers"))) mounts.Add(new CgroupMount(dir, IsV2: true, []));
            else mounts.Add(new CgroupMount(dir, IsV2: false, CgroupMountTable.Controllers(Path.GetFileName(dir))));
        }
        return FromMounts(mounts);
    }

    /// <summary>The directories of one container, <paramref name="cgroupsPath"/> being OCI <c>linux.cgroupsPath</c> (e.g. <c>/berth/&lt;id&gt;</c>).</summary>
    public CgroupPaths ForContainer(string cgroupsPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cgroupsPath);
        var relative = cgroupsPath.Trim('/');
        if (relative.Split('/').Any(segment => segment is "." or ".."))
            throw new ArgumentException($"cgroups path must not climb: {cgroupsPath}", nameof(cgroupsPath));
        var dirs = Controllers.ToDictionary(c => c.Key, c => Path.Combine(c.Value, relative), StringComparer.Ordinal);
        var unified = UnifiedMount is null ? null : Path.Combine(UnifiedMount, relative);
        return new CgroupPaths(Version, cgroupsPath, dirs, unified);
    }

    /// <summary>One line for the daemon log: version and mount points.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Version switch
        {
            CgroupVersion.V2 => "cgroup v2",
            CgroupVersion.Hybrid => "cgroup v1 (hybrid)",
            _ => "cgroup v1",
        });
        if (Controllers.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $": {string.Join(", ", Controllers.Select(c => $"{c.Key}={c.Value}"))}");
        if (UnifiedMount is not null)
            text.Append(CultureInfo.InvariantCulture, $"{(Controllers.Count > 0 ? ", unified=" : " at ")}{UnifiedMount}");
        else if (Controllers.Count == 0)
            text.Append(": no cgroup mounts found");
        return text.ToString();
    }
}
