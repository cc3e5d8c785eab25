using Berth.Integration.Tests.Fixtures;
using Docker.DotNet.Models;

namespace Berth.Integration.Tests.Containers;

/// <summary>Container work through Docker.DotNet, the way .NET tooling drives Docker.</summary>
[TestFixture]
public sealed class ContainerDotNetTests : BusyboxDaemonFixture
{
    [Test]
    public async Task CreateStartWait_ExitCodeAndLogs_AsTheCliSeesThem()
    {
        using var client = Daemon.Client();
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = Image,
            Cmd = ["sh", "-c", "echo out; echo err >&2; exit 4"],
            HostConfig = new HostConfig { NetworkMode = "none" },
        });

        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var waited = await client.Containers.WaitContainerAsync(created.ID);

        Assert.That(waited.StatusCode, Is.EqualTo(4));
        var inspect = await client.Containers.InspectContainerAsync(created.ID);
        Assert.That(inspect.State.ExitCode, Is.EqualTo(4));
        Assert.That(inspect.State.Status, Is.EqualTo("exited"));
        using var logs = await client.Containers.GetContainerLogsAsync(created.ID, tty: false, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
        Assert.That(stdout, Is.EqualTo("out\n"));
        Assert.That(stderr, Is.EqualTo("err\n"));
    }

    [Test]
    public async Task Attach_LogsWithoutStream_ReplaysWhatTheContainerWrote()
    {
        var run = await Daemon.DockerAsync("run", "--network", "none", "--name", "attach-logs", Image, "sh", "-c", "echo one; echo two >&2");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        using var client = Daemon.Client();

        using var attached = await client.Containers.AttachContainerAsync("attach-logs", tty: false,
            new ContainerAttachParameters { Logs = "1", Stream = false, Stdout = true, Stderr = true });
        var (stdout, stderr) = await attached.ReadOutputToEndAsync(CancellationToken.None);

        Assert.That(stdout, Is.EqualTo("one\n"));
        Assert.That(stderr, Is.EqualTo("two\n"));
    }
}
