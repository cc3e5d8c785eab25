using Berth.Kernel.Stats;

namespace Berth.Kernel.Tests.Stats;

/// <summary>
/// A temp directory shaped like /sys/fs/cgroup (v1, v2 or hybrid) with one container's cgroup at
/// <see cref="CgroupsPath"/>, plus a fake /proc with stat and meminfo.
/// </summary>
internal sealed class FakeCgroupTree : IDisposable
{
    public const string CgroupsPath = "/berth/c0ffee";
    public const ulong MemTotal = 8L * 1024 * 1024 * 1024;
    public const ulong Mib64 = 64 * 1024 * 1024;

    /// <summary>A /proc/stat cpu line: the first seven fields sum to 10000 ticks = 100 s; steal and guest are ignored.</summary>
    public const string ProcStat = "cpu  4000 0 1000 4500 300 100 100 55 0 0\ncpu0 2000 0 500 2250 150 50 50 0 0 0\ncpu1 2000 0 500 2250 150 50 50 0 0 0\nintr 1 2 3\n";

    private FakeCgroupTree(CgroupVersion version)
    {
        Version = version;
        Root = Directory.CreateTempSubdirectory("berth-cgroup-").FullName;
        CgroupRoot = Directory.CreateDirectory(Path.Combine(Root, "cgroup")).FullName;
        ProcRoot = Directory.CreateDirectory(Path.Combine(Root, "proc")).FullName;
        File.WriteAllText(Path.Combine(ProcRoot, "stat"), ProcStat);
        File.WriteAllText(Path.Combine(ProcRoot, "meminfo"), $"MemTotal:       {MemTotal / 1024} kB\nMemFree:        1024 kB\n");
    }

    public CgroupVersion Version { get; }
    public string Root { get; }
    public string CgroupRoot { get; }
    public string ProcRoot { get; }

    public CgroupLayout Layout => CgroupLayout.FromTree(CgroupRoot);
    public CgroupPaths Paths => Layout.ForContainer(CgroupsPath);

    /// <summary>v1 with cpu and cpuacct co-mounted (<c>cpu,cpuacct</c>), as most distributions do.</summary>
    public static FakeCgroupTree V1() => new FakeCgroupTree(CgroupVersion.V1).WithV1("cpu,cpuacct", "memory", "pids", "blkio");

    /// <summary>This machine's kind: v1 controllers mounted one per directory plus <c>unified</c>.</summary>
    public static FakeCgroupTree Hybrid()
    {
        var tree = new FakeCgroupTree(CgroupVersion.Hybrid).WithV1("cpu", "cpuacct", "memory", "pids", "blkio");
        var unified = Directory.CreateDirectory(Path.Combine(tree.CgroupRoot, "unified")).FullName;
        File.WriteAllText(Path.Combine(unified, "cgroup.controllers"), "");
        Directory.CreateDirectory(Path.Combine(unified, "berth", "c0ffee"));
        return tree;
    }

    public static FakeCgroupTree V2()
    {
        var tree = new FakeCgroupTree(CgroupVersion.V2);
        File.WriteAllText(Path.Combine(tree.CgroupRoot, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        Directory.CreateDirectory(Path.Combine(tree.CgroupRoot, "berth", "c0ffee"));
        return tree;
    }

    /// <summary>The container's directory in the hierarchy mounted at <paramref name="hierarchy"/> (v2: "").</summary>
    public string Dir(string hierarchy) => Path.Combine(CgroupRoot, hierarchy, "berth", "c0ffee");

    public FakeCgroupTree Write(string hierarchy, string file, string content)
    {
        File.WriteAllText(Path.Combine(Dir(hierarchy), file), content);
        return this;
    }

    /// <summary>Removes the container's cgroup everywhere, as runc delete does.</summary>
    public void Vanish()
    {
        foreach (var dir in Directory.EnumerateDirectories(CgroupRoot, "c0ffee", SearchOption.AllDirectories).ToList())
            Directory.Delete(dir, recursive: true);
    }

    public HostCounters Host() => new(ProcRoot);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private FakeCgroupTree WithV1(params string[] hierarchies)
    {
        foreach (var hierarchy in hierarchies) Directory.CreateDirectory(Dir(hierarchy));
        return this;
    }
}
