using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

/// <summary>Generated specs run by the real runc over a busybox rootfs (root only; ignored elsewhere).</summary>
[NonParallelizable]
public class RuncIntegrationTests
{
    private RuncBundle bundle = null!;

    [SetUp]
    public void SetUp()
    {
        bundle = RuncBundle.TryCreate(out var reason)!;
        if (bundle is null) Assert.Ignore($"real-runtime spec tests skipped: {reason}");
    }

    [TearDown]
    public async Task TearDown()
    {
        if (bundle is not null) await bundle.DisposeAsync();
    }

    private static JsonObject Sh(string script, string? user = null)
    {
        var config = ContainerConfig("/bin/sh", "-c", script);
        if (user is not null) config["User"] = user;
        return config;
    }

    [Test]
    public async Task Run_Echo_PrintsAndExitsZero()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(ContainerConfig("/bin/echo", "hello from berth"));

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout, Is.EqualTo("hello from berth\n"));
    }

    [Test]
    public async Task Run_ExitCode_Propagates()
    {
        var (exitCode, _, _) = await bundle.RunAsync(Sh("exit 7"));

        Assert.That(exitCode, Is.EqualTo(7));
    }

    [Test]
    public async Task Run_DefaultUser_IsRootWithItsGroups()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(ContainerConfig("/bin/id"));

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout.Trim(), Is.EqualTo("uid=0(root) gid=0(root) groups=0(root),10(wheel)"));
    }

    [Test]
    public async Task Run_NamedUserWithGroupAdd_GetsPasswdIdsAndGroups()
    {
        var config = ContainerConfig("/bin/id");
        config["User"] = "app";

        var (exitCode, stdout, stderr) = await bundle.RunAsync(config, new JsonObject { ["GroupAdd"] = Json("video") });

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        // setgroups(2) sorts the supplementary list, so id prints it in numeric order
        Assert.That(stdout.Trim(), Is.EqualTo("uid=1000(app) gid=1000(app) groups=10(wheel),29(audio),44(video),1000(app)"));
    }

    [Test]
    public async Task Run_Defaults_DockersCapabilitiesAndSeccompFilter()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(ContainerConfig("/bin/cat", "/proc/self/status"));

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        var status = stdout.Split('\n').Where(l => l.Contains(':', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        Assert.That(status["CapEff"], Is.EqualTo("00000000a80425fb"));
        Assert.That(status["CapBnd"], Is.EqualTo("00000000a80425fb"));
        Assert.That(status["CapInh"], Is.EqualTo("0000000000000000"));
        if (HostSupport.Current.Seccomp) Assert.That(status["Seccomp"], Is.EqualTo("2"));
        Assert.That(status["NoNewPrivs"], Is.EqualTo("0"));
    }

    [Test]
    public async Task Run_CapDropAllWithNoNewPrivileges_NoCapabilitiesAndFlagSet()
    {
        var hostConfig = new JsonObject { ["CapDrop"] = Json("ALL"), ["SecurityOpt"] = Json("no-new-privileges") };

        var (exitCode, stdout, stderr) = await bundle.RunAsync(Sh("grep -E '^(CapEff|NoNewPrivs)' /proc/self/status"), hostConfig);

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("CapEff:\t0000000000000000").And.Contain("NoNewPrivs:\t1"));
    }

    [Test]
    public async Task Run_MaskedPaths_AreHidden()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(Sh("ls /sys/firmware | wc -l; wc -c < /proc/timer_list"));

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()), Is.EqualTo(new[] { "0", "0" }));
    }

    [Test]
    public async Task Run_ReadonlyPaths_CannotBeWritten()
    {
        var (exitCode, _, _) = await bundle.RunAsync(Sh("echo 1 > /proc/sys/kernel/shmmni"));

        Assert.That(exitCode, Is.Not.EqualTo(0));
    }

    [Test]
    public async Task Run_Ulimit_AppliedToTheProcess()
    {
        var hostConfig = new JsonObject { ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = "nofile", ["Soft"] = 1024, ["Hard"] = 2048 }) };

        var (exitCode, stdout, stderr) = await bundle.RunAsync(Sh("ulimit -n; ulimit -Hn"), hostConfig);

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "1024", "2048" }));
    }

    [Test]
    public async Task Run_EnvAndWorkingDir_AsConfigured()
    {
        var config = Sh("echo $GREETING $HOSTNAME; pwd");
        config["Env"] = Json("GREETING=hi");
        config["WorkingDir"] = "/etc";

        var (exitCode, stdout, stderr) = await bundle.RunAsync(config);

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout, Is.EqualTo("hi c0ffee\n/etc\n"));
    }

    [Test]
    public async Task Run_Init_DockerInitIsPidOne()
    {
        if (HostSupport.Current.InitPath is null) Assert.Ignore("no docker-init/tini-static on this host");

        var (exitCode, stdout, stderr) = await bundle.RunAsync(Sh("cat /proc/1/comm"), new JsonObject { ["Init"] = true });

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout.Trim(), Is.EqualTo("docker-init"));
    }

    [Test]
    public async Task Run_Privileged_HoldsTheDaemonsCapabilitiesWithoutSeccomp()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(Sh("grep -E '^(CapEff|Seccomp):' /proc/self/status"), new JsonObject { ["Privileged"] = true });

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        var daemonCapEff = (await File.ReadAllLinesAsync("/proc/self/status")).Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        Assert.That(stdout, Does.Contain(daemonCapEff).And.Contain("Seccomp:\t0"));
    }

    [Test]
    public async Task Run_ReadonlyRootfs_RootIsReadOnlyButShmIsWritable()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(
            Sh("touch /x 2>/dev/null && echo root-writable; touch /dev/shm/x && echo shm-writable"), new JsonObject { ["ReadonlyRootfs"] = true });

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout, Is.EqualTo("shm-writable\n"));
    }

    [Test]
    public async Task Run_HostNetwork_SeesTheHostsInterfaces()
    {
        var (exitCode, stdout, stderr) = await bundle.RunAsync(Sh("ls /sys/class/net"), new JsonObject { ["NetworkMode"] = "host" });

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName)));
    }

    [Test]
    public async Task Run_Memory64m_LimitInTheContainersCgroup()
    {
        var id = bundle.NewId();
        bundle.WriteSpec(id, ContainerConfig("/bin/sleep", "30"), new JsonObject { ["Memory"] = 64L * 1024 * 1024 });
        using var runc = bundle.Start(id);
        try
        {
            await bundle.WaitRunningAsync(id, runc);
            var file = RuncBundle.MemoryLimitFile(id);

            Assert.That(file, Is.Not.Null, "no memory cgroup for the container");
            Assert.That((await File.ReadAllTextAsync(file!)).Trim(), Is.EqualTo("67108864"));
        }
        finally
        {
            await bundle.RuncAsync("kill", id, "KILL");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await runc.WaitForExitAsync(timeout.Token);
        }
    }

    [Test]
    public async Task Exec_ProcessJson_RunsAsTheExecUser()
    {
        var id = bundle.NewId();
        var spec = bundle.WriteSpec(id, ContainerConfig("/bin/sleep", "30"), new JsonObject()).Spec;
        using var runc = bundle.Start(id);
        try
        {
            await bundle.WaitRunningAsync(id, runc);
            var process = OciSpecBuilder.BuildExecProcess(spec["process"]!.AsObject(), new ExecRequest(["/bin/sh", "-c", "id -u; echo $X"], ["X=exec"], "app", "", false, false), bundle.Rootfs);
            var processFile = Path.Combine(bundle.Directory, "process.json");
            await File.WriteAllTextAsync(processFile, process.ToJsonString());

            var (exitCode, stdout, stderr) = await bundle.RuncAsync("exec", "--process", processFile, id);

            Assert.That(exitCode, Is.EqualTo(0), stderr);
            Assert.That(stdout, Is.EqualTo("1000\nexec\n"));
        }
        finally
        {
            await bundle.RuncAsync("kill", id, "KILL");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await runc.WaitForExitAsync(timeout.Token);
        }
    }
}
