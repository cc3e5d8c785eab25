using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Containers;

/// <summary>
/// One scenario list, run through the same docker CLI against berthd and against Moby's dockerd (Debian's
/// docker.io, when installed): exit codes and outputs must match. Without dockerd the Moby half is skipped.
/// </summary>
[TestFixture]
public sealed class ContainerParityTests
{
    private const string Image = "bb:1";
    private BerthdInstance berth = null!;
    private MobyDaemon? moby;

    /// <summary>Each scenario: docker commands run in order; the last one's exit code and stdout are compared.</summary>
    private static readonly object[] Scenarios =
    [
        new object[] { "echo", new[] { new[] { "run", "--rm", "--network", "none", Image, "echo", "hi", "there" } } },
        new object[] { "exit-code", new[] { new[] { "run", "--rm", "--network", "none", Image, "sh", "-c", "exit 7" } } },
        new object[] { "signal-exit", new[] { new[] { "run", "--rm", "--network", "none", Image, "sh", "-c", "kill -TERM $$" } } },
        new object[] { "missing-entrypoint", new[] { new[] { "run", "--rm", "--network", "none", Image, "/nope" } } },
        new object[] { "env-and-workdir", new[] { new[] { "run", "--rm", "--network", "none", "-e", "A=1", "-w", "/tmp", Image, "sh", "-c", "echo $A $(pwd) $HOSTNAME | wc -w" } } },
        new object[] { "user", new[] { new[] { "run", "--rm", "--network", "none", "-u", "1234:5678", Image, "id" } } },
        new object[] { "hostname", new[] { new[] { "run", "--rm", "--network", "none", "-h", "myhost", Image, "hostname" } } },
        new object[] { "etc-hosts-has-localhost", new[] { new[] { "run", "--rm", "--network", "none", Image, "grep", "-c", "localhost", "/etc/hosts" } } },
        new object[] { "readonly-rootfs", new[] { new[] { "run", "--rm", "--network", "none", "--read-only", Image, "touch", "/x" } } },
        new object[] { "tmpfs", new[] { new[] { "run", "--rm", "--network", "none", "--tmpfs", "/scratch", Image, "sh", "-c", "touch /scratch/a && echo ok" } } },
        new object[] { "shm-size", new[] { new[] { "run", "--rm", "--network", "none", "--shm-size", "16m", Image, "sh", "-c", "df -k /dev/shm | tail -1 | awk '{print $2}'" } } },
        new object[] { "default-caps", new[] { new[] { "run", "--rm", "--network", "none", Image, "sh", "-c", "grep CapEff /proc/self/status" } } },
        new object[] { "cap-drop", new[] { new[] { "run", "--rm", "--network", "none", "--cap-drop", "CHOWN", Image, "chown", "1:1", "/tmp" } } },
        new object[] { "pids-limit", new[] { new[] { "run", "--rm", "--network", "none", "--pids-limit", "5", Image, "sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 2 & done 2>/dev/null; wait; echo done" } } },
        new object[] { "volume-copy-up", new[] { new[] { "run", "--rm", "--network", "none", "-v", "parityvol:/bin", Image, "ls", "/bin/busybox" } } },
        new object[] { "exec-exit-code", new[]
        {
            new[] { "run", "-d", "--network", "none", "--name", "parity-exec", Image, "sleep", "60" },
            new[] { "exec", "parity-exec", "sh", "-c", "echo out; exit 5" },
        } },
        new object[] { "stop-exit-code", new[]
        {
            new[] { "run", "-d", "--network", "none", "--name", "parity-stop", Image, "sleep", "60" },
            new[] { "stop", "-t", "1", "parity-stop" },
            new[] { "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}", "parity-stop" },
        } },
        new object[] { "rm-running", new[]
        {
            new[] { "run", "-d", "--network", "none", "--name", "parity-rm", Image, "sleep", "60" },
            new[] { "rm", "parity-rm" },
        } },
        new object[] { "created-state", new[]
        {
            new[] { "create", "--network", "none", "--name", "parity-created", Image, "true" },
            new[] { "inspect", "-f", "{{.State.Status}} {{.State.Pid}} {{.Path}} {{.Args}}", "parity-created" },
        } },
    ];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        berth = await BerthdInstance.StartAsync();
        Assert.That((await berth.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);
        if (MobyDaemon.Installed)
        {
            moby = await MobyDaemon.StartAsync();
            Assert.That((await moby.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await berth.DisposeAsync();
        if (moby is not null) await moby.DisposeAsync();
    }

    [TestCaseSource(nameof(Scenarios))]
    public async Task Scenario_SameCommands_SameExitCodeAndOutput(string name, string[][] commands)
    {
        var ours = await RunAsync(berth.DockerAsync, commands);
        if (moby is null) Assert.Ignore($"dockerd is not installed; berth gave {ours}");
        var theirs = await RunAsync(moby.DockerAsync, commands);
        Assert.That(ours.ExitCode, Is.EqualTo(theirs.ExitCode), $"{name}: berth {ours} / moby {theirs}");
        Assert.That(ours.Stdout, Is.EqualTo(theirs.Stdout), $"{name}: berth {ours} / moby {theirs}");
    }

    private static async Task<CommandResult> RunAsync(Func<string[], Task<CommandResult>> docker, string[][] commands)
    {
        CommandResult last = null!;
        foreach (var command in commands) last = await docker(command);
        foreach (var created in commands.Select(c => Array.IndexOf(c, "--name") is var i and >= 0 ? c[i + 1] : null).Where(n => n is not null))
            await docker(["rm", "-f", created!]);
        await docker(["volume", "rm", "-f", "parityvol"]);
        return last;
    }
}
