using System.Text.Json;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Containers;

/// <summary>Everyday container work through the stock docker CLI against a real berthd, runc and conmon.</summary>
[TestFixture]
public sealed class ContainerCliTests : BusyboxDaemonFixture
{
    [Test]
    public async Task Run_Echo_PrintsOutputAndRemovesContainer()
    {
        var run = await Docker("run", "--rm", "--network", "none", "--name", "echo-rm", Image, "echo", "hello-berth");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stdout, Is.EqualTo("hello-berth\n"));
        Assert.That(await Processes.EventuallyAsync(async () => (await Docker("ps", "-aq", "--filter", "name=echo-rm")).Stdout.Trim().Length == 0, TimeSpan.FromSeconds(10)), Is.True);
    }

    [TestCase("exit 3", 3)]
    [TestCase("exit 0", 0)]
    [TestCase("sh -c 'kill -9 $$'; exit $?", 137)]
    public async Task Run_ExitCode_PropagatesToTheCli(string script, int expected)
    {
        var run = await Docker("run", "--rm", "--network", "none", Image, "sh", "-c", script);
        Assert.That(run.ExitCode, Is.EqualTo(expected), run.ToString());
    }

    [Test]
    public async Task Run_MissingEntrypoint_Exit127WithDockersMessage()
    {
        var run = await Docker("run", "--rm", "--network", "none", Image, "/nope");
        Assert.That(run.ExitCode, Is.EqualTo(127), run.ToString());
        Assert.That(run.Stderr, Does.Contain("no such file or directory"));
    }

    [Test]
    public async Task Run_StdoutAndStderr_KeepTheirStreamsAndEveryByte()
    {
        var run = await Docker("run", "--rm", "--network", "none", Image, "sh", "-c", "seq 1 2000; echo err-line >&2; printf last-no-newline");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var lines = run.Stdout.Split('\n');
        Assert.That(lines[0], Is.EqualTo("1"));
        Assert.That(lines[1999], Is.EqualTo("2000"));
        Assert.That(run.Stdout, Does.EndWith("last-no-newline"));
        Assert.That(run.Stderr, Is.EqualTo("err-line\n"));
    }

    [Test]
    public async Task Run_StdinPiped_ReachesTheProcessAndClosesIt()
    {
        var run = await Processes.RunAsync(DockerCli.Path, ["run", "--rm", "-i", "--network", "none", Image, "sh", "-c", "cat; echo done"], Daemon.DockerEnv, stdin: "from-stdin\n");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stdout, Is.EqualTo("from-stdin\ndone\n"));
    }

    [Test]
    public async Task Detached_LogsExecStopInspect_BehaveAsDocker()
    {
        var id = (await Docker("run", "-d", "--network", "none", "--name", "ticker", Image, "sh", "-c", "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.1; done")).Stdout.Trim();
        Assert.That(id, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(await Processes.EventuallyAsync(async () => (await Docker("logs", "ticker")).Stdout.Split('\n').Count(l => l.StartsWith("line-", StringComparison.Ordinal)) >= 5, TimeSpan.FromSeconds(10)), Is.True);
        var tail = await Docker("logs", "--tail", "2", "ticker");
        Assert.That(tail.Stdout.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(2), tail.ToString());
        var stamped = await Docker("logs", "--timestamps", "--tail", "1", "ticker");
        Assert.That(stamped.Stdout, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z line-\d+\n$"));

        var exec = await Docker("exec", "ticker", "echo", "in-exec");
        Assert.That(exec.Stdout, Is.EqualTo("in-exec\n"), exec.ToString());
        var execCode = await Docker("exec", "ticker", "sh", "-c", "exit 4");
        Assert.That(execCode.ExitCode, Is.EqualTo(4));
        var execEnv = await Docker("exec", "-e", "X=42", "-w", "/tmp", "-u", "1000:1000", "ticker", "sh", "-c", "echo $X $(pwd) $(id -u)");
        Assert.That(execEnv.Stdout, Is.EqualTo("42 /tmp 1000\n"), execEnv.ToString());
        var missing = await Docker("exec", "ticker", "no-such-command");
        Assert.That(missing.ExitCode, Is.EqualTo(127), missing.ToString());

        Assert.That((await Docker("inspect", "-f", "{{.State.Status}} {{.State.Running}} {{.Name}}", "ticker")).Stdout.Trim(), Is.EqualTo("running true /ticker"));
        var conflict = await Docker("run", "-d", "--network", "none", "--name", "ticker", Image, "true");
        Assert.That(conflict.ExitCode, Is.Not.Zero);
        Assert.That(conflict.Stderr, Does.Contain($"The container name \"/ticker\" is already in use by container \"{id}\""));
        var rm = await Docker("rm", "ticker");
        Assert.That(rm.ExitCode, Is.Not.Zero);
        Assert.That(rm.Stderr, Does.Contain("stop the container before removing or force remove"));

        var stop = await Docker("stop", "-t", "1", "ticker");
        Assert.That(stop.ExitCode, Is.Zero, stop.ToString());
        var state = await Docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "ticker");
        Assert.That(state.Stdout.Trim(), Is.EqualTo("exited 137").Or.EqualTo("exited 143"), "sh ignores SIGTERM as pid 1, so the grace period ends in SIGKILL");
        var execStopped = await Docker("exec", "ticker", "true");
        Assert.That(execStopped.Stderr, Does.Contain("is not running"));
        var logsAfter = await Docker("logs", "ticker");
        Assert.That(logsAfter.Stdout, Does.Contain("line-0\n"));
        Assert.That((await Docker("rm", "ticker")).ExitCode, Is.Zero);
        Assert.That((await Docker("inspect", "ticker")).ExitCode, Is.Not.Zero);
    }

    [Test]
    public async Task Ps_FiltersAndFormat_SelectContainers()
    {
        await Docker("create", "--network", "none", "--name", "ps-created", "--label", "team=a", Image, "true");
        await Docker("run", "-d", "--network", "none", "--name", "ps-running", "--label", "team=b", Image, "sleep", "30");
        try
        {
            Assert.That((await Docker("ps", "--format", "{{.Names}}")).Stdout, Does.Contain("ps-running").And.Not.Contain("ps-created"));
            Assert.That((await Docker("ps", "-a", "--filter", "status=created", "--format", "{{.Names}}")).Stdout.Trim(), Is.EqualTo("ps-created"));
            Assert.That((await Docker("ps", "-a", "--filter", "label=team=b", "--format", "{{.Names}} {{.Status}}")).Stdout.Trim(), Does.Match("^ps-running Up .*"));
            Assert.That((await Docker("ps", "-aq", "--filter", "name=ps-")).Stdout.Trim().Split('\n'), Has.Length.EqualTo(2));
        }
        finally
        {
            await Docker("rm", "-f", "ps-created", "ps-running");
        }
    }

    [Test]
    public async Task Stats_MemoryLimit_ShownByNoStream()
    {
        await Docker("run", "-d", "--network", "none", "--name", "mem", "--memory", "64m", Image, "sleep", "30");
        try
        {
            var stats = await Docker("stats", "--no-stream", "--format", "{{.MemUsage}}", "mem");
            Assert.That(stats.Stdout, Does.Contain("64MiB"), stats.ToString());
        }
        finally
        {
            await Docker("rm", "-f", "mem");
        }
    }

    [Test]
    public async Task Volumes_NamedVolume_PersistsAcrossContainers()
    {
        var write = await Docker("run", "--rm", "--network", "none", "-v", "keepvol:/data", Image, "sh", "-c", "echo kept > /data/f");
        Assert.That(write.ExitCode, Is.Zero, write.ToString());
        var read = await Docker("run", "--rm", "--network", "none", "-v", "keepvol:/data", Image, "cat", "/data/f");
        Assert.That(read.Stdout, Is.EqualTo("kept\n"), read.ToString());
        Assert.That((await Docker("volume", "rm", "keepvol")).ExitCode, Is.Zero);
    }

    [Test]
    public async Task Volumes_BindMountReadOnly_Enforced()
    {
        var dir = Directory.CreateTempSubdirectory("berth-bind.").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "host.txt"), "from-host");
            var read = await Docker("run", "--rm", "--network", "none", "-v", $"{dir}:/mnt:ro", Image, "sh", "-c", "cat /mnt/host.txt; touch /mnt/x");
            Assert.That(read.Stdout, Is.EqualTo("from-host"));
            Assert.That(read.ExitCode, Is.Not.Zero, "the bind is read-only");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task Cp_BothWays_RoundTripsAFile()
    {
        await Docker("create", "--network", "none", "--name", "cpme", Image, "true");
        var dir = Directory.CreateTempSubdirectory("berth-cp.").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "cpfile"), "cp-in\n");
            var into = await Docker("cp", Path.Combine(dir, "cpfile"), "cpme:/tmp/cpfile");
            Assert.That(into.ExitCode, Is.Zero, into.ToString());
            var back = await Docker("cp", "cpme:/tmp/cpfile", Path.Combine(dir, "back"));
            Assert.That(back.ExitCode, Is.Zero, back.ToString());
            Assert.That(await File.ReadAllTextAsync(Path.Combine(dir, "back")), Is.EqualTo("cp-in\n"));
            var missing = await Docker("cp", "cpme:/no/such", Path.Combine(dir, "none"));
            Assert.That(missing.Stderr, Does.Contain("Could not find the file /no/such in container cpme"));
        }
        finally
        {
            await Docker("rm", "-f", "cpme");
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task RestartPolicy_OnFailure_RestartsUpToTheLimit()
    {
        await Docker("run", "-d", "--network", "none", "--name", "crashy", "--restart", "on-failure:3", Image, "sh", "-c", "sleep 0.3; exit 1");
        try
        {
            Assert.That(await Processes.EventuallyAsync(async () => (await Docker("inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "crashy")).Stdout.Trim() == "3 exited", TimeSpan.FromSeconds(20)), Is.True,
                (await Docker("inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "crashy")).ToString());
        }
        finally
        {
            await Docker("rm", "-f", "crashy");
        }
    }

    [Test]
    public async Task Events_ContainerLifecycle_AllActionsWithAttributes()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        await Docker("run", "--rm", "--network", "none", "--name", "evented", "--label", "k=v", Image, "true");
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        var events = await Docker("events", "--since", since, "--until", until, "--filter", "container=evented", "--format", "{{json .}}");
        var actions = events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(actions.Select(a => a.GetProperty("Action").GetString()), Is.SupersetOf(new[] { "create", "attach", "start", "die", "destroy" }), events.ToString());
        var die = actions.First(a => a.GetProperty("Action").GetString() == "die");
        Assert.That(die.GetProperty("Actor").GetProperty("Attributes").GetProperty("exitCode").GetString(), Is.EqualTo("0"));
        Assert.That(die.GetProperty("Actor").GetProperty("Attributes").GetProperty("k").GetString(), Is.EqualTo("v"));
        Assert.That(die.GetProperty("Actor").GetProperty("Attributes").GetProperty("image").GetString(), Is.EqualTo(Image));
    }

    [Test]
    public async Task BadInput_RefusedWithDockersStatusAndMessage()
    {
        var unknownImage = await Docker("run", "--rm", "--pull", "never", "--network", "none", "no-such-image:1", "true");
        Assert.That(unknownImage.ExitCode, Is.EqualTo(125));
        var badMemory = await Docker("run", "--rm", "--network", "none", "--memory", "1k", Image, "true");
        Assert.That(badMemory.Stderr, Does.Contain("Minimum memory limit allowed is 6MB"));
        var badVolume = await Docker("run", "--rm", "--network", "none", "-v", "bad name:/x", Image, "true");
        Assert.That(badVolume.ExitCode, Is.Not.Zero);
        var badMount = await Docker("run", "--rm", "--network", "none", "--mount", "type=bind,source=/no/such/dir,target=/x", Image, "true");
        Assert.That(badMount.Stderr, Does.Contain("bind source path does not exist: /no/such/dir"));
        var missingNetwork = await Docker("run", "--rm", "--pull", "never", "--network", "no-such-net", Image, "true");
        Assert.That(missingNetwork.Stderr, Does.Contain("network no-such-net not found"));
    }
}
