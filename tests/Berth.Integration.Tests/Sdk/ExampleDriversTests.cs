using Berth.Integration.Tests.Fixtures;
using static Berth.Integration.Tests.Sdk.SdkTools;

namespace Berth.Integration.Tests.Sdk;

/// <summary>
/// The example drivers under sdk/examples, built from the packed SDK alone, packed with the SDK's PackPlugin target,
/// installed with <c>docker plugin create</c> + <c>enable</c> and used as a Docker user would: daily-log with
/// <c>docker run --log-driver</c>, vfs as the daemon's storage driver through daemon.json.
/// </summary>
[TestFixture]
public sealed class ExampleDriversTests
{
    private static readonly string Examples = Path.Combine(RepoPaths.Root, "sdk", "examples");

    private string work = "";

    [SetUp]
    public void CreateWorkDirectory()
    {
        TemplatePackage(); // fails the test with the way out when the SDK was not packed
        work = Directory.CreateTempSubdirectory("berth-example-drivers-").FullName;
    }

    [TearDown]
    public void RemoveWorkDirectory()
    {
        if (work.Length > 0) Directory.Delete(work, recursive: true);
    }

    [Test]
    public async Task DailyLog_InstalledAndSelectedPerContainer_WritesTodaysFileAndReadsBack()
    {
        var package = await PackPluginAsync(Path.Combine(Examples, "daily-log", "src", "Berth.Examples.DailyLog", "Berth.Examples.DailyLog.csproj"), Path.Combine(work, "daily-log"));
        await using var daemon = await BerthdInstance.StartAsync();
        await MustAsync(daemon, "import", TestImages.BusyboxRootfsTar, "bb:1");
        await MustAsync(daemon, "plugin", "create", "daily-log", package);
        await MustAsync(daemon, "plugin", "enable", "daily-log");

        var dayBefore = $"{DateTime.UtcNow:yyyy-MM-dd}.log";
        var run = await MustAsync(daemon, "run", "--name", "daily", "--log-driver", "daily-log", "--log-opt", "max-days=3",
            "--log-opt", "mode=non-blocking", "--log-opt", "cache-disabled=true", "bb:1", "sh", "-c", "echo one; echo two >&2; echo three");
        var refused = await daemon.DockerAsync("run", "--log-driver", "daily-log", "--log-opt", "max-days=none", "bb:1", "true");

        Assert.That(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "one", "three" }));
        var logs = await MustAsync(daemon, "logs", "daily");
        Assert.That((logs.Stdout.Trim(), logs.Stderr.Trim()), Is.EqualTo(("one\nthree", "two")), "docker logs reads back through the driver, streams apart");
        // mode and cache-* are the daemon's options: the driver, which refuses options it does not know, never saw them.
        var id = (await MustAsync(daemon, "inspect", "daily", "--format", "{{.Id}}")).Stdout.Trim();
        string[] days = [dayBefore, $"{DateTime.UtcNow:yyyy-MM-dd}.log"]; // the run may have crossed midnight (UTC)
        var files = Directory.EnumerateFiles(daemon.Root, "*.log", SearchOption.AllDirectories)
            .Where(f => f.Contains(id, StringComparison.Ordinal) && days.Contains(Path.GetFileName(f))).ToList();
        Assert.That(files, Is.Not.Empty, "the container's day file in the plugin's state directory");
        Assert.That(string.Concat(files.Select(File.ReadAllText)), Does.Contain("\"log\":\"two\\n\",\"stream\":\"stderr\""));
        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.Stderr, Does.Contain("max-days must be a whole number"), "a bad --log-opt is refused with the driver's message");
    }

    [Test]
    public async Task Vfs_InstalledThenSelectedInDaemonJson_RunsCommitsAndDiffsContainers()
    {
        var package = await PackPluginAsync(Path.Combine(Examples, "vfs", "src", "Berth.Examples.Vfs", "Berth.Examples.Vfs.csproj"), Path.Combine(work, "vfs"));
        var first = await BerthdInstance.StartAsync();
        BerthdInstance? daemon = null;
        try
        {
            await MustAsync(first, "plugin", "create", "vfs", package);
            await MustAsync(first, "plugin", "enable", "vfs");
            // A copy staged for an upgrade answers to the same alias and sorts first; the enabled plugin must win.
            await MustAsync(first, "plugin", "create", "staged/vfs:next", package);
            var config = Path.Combine(first.Root, "daemon.json");
            await File.WriteAllTextAsync(config, """{ "storage-driver": "vfs" }""");
            daemon = await first.RestartAsync("--config-file", config);

            Assert.That((await MustAsync(daemon, "info", "--format", "{{.Driver}}")).Stdout.Trim(), Is.EqualTo("vfs"));
            await MustAsync(daemon, "import", TestImages.BusyboxRootfsTar, "bb:1");
            var dayBefore = $"{DateTime.UtcNow:yyyy-MM-dd}.log";
        var run = await MustAsync(daemon, "run", "--name", "writer", "bb:1", "sh", "-c", "echo made-in-vfs > /note && rm /bin/true && cat /note");
            Assert.That(run.Stdout.Trim(), Is.EqualTo("made-in-vfs"));
            var diff = (await MustAsync(daemon, "diff", "writer")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(diff, Does.Contain("A /note").And.Contain("D /bin/true").And.Contain("C /bin"), "docker diff lists the vfs driver's changes");

            await MustAsync(daemon, "commit", "writer", "bb:noted");
            var fromCommit = await MustAsync(daemon, "run", "--rm", "bb:noted", "sh", "-c", "cat /note; test -e /bin/true || echo no-true");
            Assert.That(fromCommit.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "made-in-vfs", "no-true" }),
                "the committed layer (the driver's Diff) carries the new file and the deletion");
            var layers = Directory.EnumerateDirectories(Path.Combine(daemon.DataRoot, "vfs", "dir")).Count();
            Assert.That(layers, Is.GreaterThanOrEqualTo(3), "image, container and committed layers are full copies under <data-root>/vfs/dir");
            await MustAsync(daemon, "rm", "writer");
            await MustAsync(daemon, "rmi", "bb:noted");
        }
        finally
        {
            await (daemon ?? first).DisposeAsync();
        }
    }
}
