using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Containers;

/// <summary>
/// Docker's dual logging: a log driver that cannot read logs back (the write-only-log test plugin) still gets every
/// line, and <c>docker logs</c> reads the daemon's local cache.
/// </summary>
[TestFixture]
public sealed class DualLoggingTests : BusyboxDaemonFixture
{
    [OneTimeSetUp]
    public async Task InstallWriteOnlyLogAsync()
    {
        var create = await Daemon.DockerAsync("plugin", "create", "write-only-log", RepoPaths.TestPlugin("write-only-log"));
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var enable = await Daemon.DockerAsync("plugin", "enable", "write-only-log");
        Assert.That(enable.ExitCode, Is.Zero, enable.ToString());
    }

    private string DriverFile(string name) => Path.Combine(Daemon.Root, name + ".log");

    [Test]
    public async Task Logs_DriverWithoutReadLogs_ServedFromTheLocalCacheAndTheDriverGotEveryLine()
    {
        var run = await Daemon.DockerAsync("run", "--network", "none", "--name", "cached", "--log-driver", "write-only",
            "--log-opt", $"path={DriverFile("cached")}", Image, "sh", "-c", "seq 1 500; echo oops >&2");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());

        var logs = await Daemon.DockerAsync("logs", "cached");
        Assert.That(logs.ExitCode, Is.Zero, logs.ToString());
        Assert.That(logs.Stdout, Is.EqualTo(string.Concat(Enumerable.Range(1, 500).Select(i => $"{i}\n"))));
        Assert.That(logs.Stderr, Is.EqualTo("oops\n"));
        var tail = await Daemon.DockerAsync("logs", "--tail", "2", "cached");
        Assert.That(tail.Stdout + tail.Stderr, Does.Contain("500\n").And.Contain("oops\n").And.Not.Contain("499"));

        var driverLines = await File.ReadAllLinesAsync(DriverFile("cached"));
        Assert.That(driverLines, Has.Length.EqualTo(501));
        Assert.That(driverLines, Does.Contain("stdout: 1").And.Contain("stdout: 500").And.Contain("stderr: oops"));
        Assert.That(File.Exists(Path.Combine(Daemon.DataRoot, "containers", (await Daemon.DockerAsync("inspect", "-f", "{{.Id}}", "cached")).Stdout.Trim(), "container-cached.log")), Is.True);
    }

    [Test]
    public async Task LogsFollow_RunningContainerWithoutReadLogs_StreamsFromTheCache()
    {
        var run = await Daemon.DockerAsync("run", "-d", "--network", "none", "--name", "cached-follow", "--log-driver", "write-only",
            "--log-opt", $"path={DriverFile("cached-follow")}", Image, "sh", "-c", "echo first; sleep 1; echo second");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());

        var follow = await Daemon.DockerAsync("logs", "-f", "cached-follow");

        Assert.That(follow.ExitCode, Is.Zero, follow.ToString());
        Assert.That(follow.Stdout, Is.EqualTo("first\nsecond\n"));
    }

    [Test]
    public async Task Logs_CacheDisabled_RefusedAsByDocker()
    {
        var run = await Daemon.DockerAsync("run", "--network", "none", "--name", "uncached", "--log-driver", "write-only",
            "--log-opt", $"path={DriverFile("uncached")}", "--log-opt", "cache-disabled=true", Image, "echo", "hi");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());

        var logs = await Daemon.DockerAsync("logs", "uncached");

        Assert.That(logs.ExitCode, Is.Not.Zero);
        Assert.That(logs.Stderr, Does.Contain("configured logging driver does not support reading"));
        Assert.That(await File.ReadAllTextAsync(DriverFile("uncached")), Is.EqualTo("stdout: hi\n"));
    }
}
