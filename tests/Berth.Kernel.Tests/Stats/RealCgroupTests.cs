using System.Diagnostics;
using Berth.Kernel.Stats;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Stats;

/// <summary>
/// Against this machine's real cgroups (root only): a cgroup like runc's with a 64 MiB memory and a 100 pids limit,
/// a <c>sleep</c> child moved into it, sampled as <c>docker stats</c> would.
/// </summary>
[NonParallelizable]
public class RealCgroupTests
{
    private static readonly string[] V1Controllers = ["memory", "pids", "cpu", "cpuacct", "blkio"];

    private readonly List<string> created = [];
    private Process? child;

    [TearDown]
    public async Task TearDown()
    {
        if (child is not null)
        {
            if (!child.HasExited) child.Kill();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            child.Dispose();
        }
        foreach (var dir in Enumerable.Reverse(created))
        {
            for (var attempt = 0; Directory.Exists(dir); attempt++)
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException) when (attempt < 100)
                {
                    await Task.Delay(20);
                }
            }
        }
    }

    [Test]
    public void Sample_RealCgroupWithLimitAndChild_ReportsLimitAndPids()
    {
        if (Environment.UserName != "root") Assert.Ignore("needs root to create cgroups");
        var layout = CgroupLayout.Detect();
        var cgroupsPath = "/berth-test-" + Guid.NewGuid().ToString("N")[..12];
        var paths = layout.ForContainer(cgroupsPath);
        child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var pid = child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        if (paths.IsV2) CreateV2(paths.Unified!, pid);
        else CreateV1(paths, pid);

        var sample = new StatsSampler(new FakeTimeProvider()).Sample(paths, null);
        var doc = DockerCli.Wire(sample.ToJson("real", "real", null));

        Assert.That(sample.Running, Is.True, layout.Describe());
        Assert.That(paths.ReadPids(), Is.EqualTo(new[] { child.Id }));
        Assert.That(DockerCli.MemLimit(doc), Is.EqualTo(FakeCgroupTree.Mib64));
        Assert.That(DockerCli.Pids(doc), Is.EqualTo(1));
        Assert.That(doc["pids_stats"]!["limit"]!.GetValue<ulong>(), Is.EqualTo(100));
        Assert.That(doc["cpu_stats"]!["system_cpu_usage"]!.GetValue<ulong>(), Is.GreaterThan(0));
        Assert.That(doc["cpu_stats"]!["online_cpus"]!.GetValue<uint>(), Is.GreaterThan(0));
        Assert.That(paths.ReadOomKillCount(), Is.Zero);
    }

    private void CreateV1(CgroupPaths paths, string pid)
    {
        foreach (var dir in V1Controllers.Select(paths.Controller).OfType<string>().Distinct())
        {
            Directory.CreateDirectory(dir);
            created.Add(dir);
        }
        File.WriteAllText(Path.Combine(paths.Memory!, "memory.limit_in_bytes"), "67108864");
        File.WriteAllText(Path.Combine(paths.Pids!, "pids.max"), "100");
        foreach (var dir in created) File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid);
    }

    private void CreateV2(string dir, string pid)
    {
        var parent = Path.GetDirectoryName(dir)!;
        File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "+memory +pids");
        Directory.CreateDirectory(dir);
        created.Add(dir);
        File.WriteAllText(Path.Combine(dir, "memory.max"), "67108864");
        File.WriteAllText(Path.Combine(dir, "pids.max"), "100");
        File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid);
    }
}
