using Berth.Integration.Tests.Fixtures;
using static Berth.Integration.Tests.Sdk.SdkTools;

namespace Berth.Integration.Tests.Sdk;

/// <summary>
/// A third party's log driver, from nothing to a running container, outside the repository: <c>dotnet new
/// berth-driver</c> from the packed template (its two storage methods work as generated), <c>dotnet test</c> runs the
/// conformance kit, <c>PackPlugin</c> makes the package, <c>docker plugin create</c> + <c>enable</c> install it into a running berthd,
/// <c>docker run --log-driver</c> writes through it, and an upgrade to 1.1 (disable, upgrade, enable, as the stock CLI
/// requires) while a container keeps writing loses no line.
/// </summary>
[TestFixture]
public sealed class DriverTemplateTests
{
    private string work = "";

    [SetUp]
    public void CreateWorkDirectory()
    {
        work = Directory.CreateTempSubdirectory("berth-driver-template-").FullName;
    }

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(work, recursive: true);

    [Test]
    public async Task NewLogDriver_TestedPackedInstalledAndUpgraded_WritesEveryLine()
    {
        var hive = Path.Combine(work, "template-hive");
        var project = Path.Combine(work, "Acme.Log");
        await DotnetAsync("new", "install", TemplatePackage(), "--debug:custom-hive", hive);
        await DotnetAsync("new", "berth-driver", "--kind", "logdriver", "-n", "Acme.Log", "-o", project, "--debug:custom-hive", hive);

        var test = await DotnetAsync("test", project);
        Assert.That(test.Stdout, Does.Match(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+1\d"), "the conformance kit ran and passed");
        await DotnetAsync("build", Path.Combine(project, "src", "Acme.Log", "Acme.Log.csproj"), "-t:PackPlugin", "-c", "Release");
        var package = Path.Combine(project, "src", "Acme.Log", "bin", "plugin");
        Assert.That(File.Exists(Path.Combine(package, "rootfs", "Acme.Log.dll")), "the package holds the driver");
        Assert.That(File.Exists(Path.Combine(package, "rootfs", "Berth.Sdk.dll")), Is.False, "the contracts come from the plugin host");

        await using var daemon = await BerthdInstance.StartAsync();
        await MustAsync(daemon, "import", TestImages.BusyboxRootfsTar, "bb:1");
        await MustAsync(daemon, "plugin", "create", "acme/log:1.0", package);
        var major = Path.Combine(work, "acme-log-2.0");
        CopyDirectory(package, major);
        var majorConfig = Path.Combine(major, "config.json");
        await File.WriteAllTextAsync(majorConfig, (await File.ReadAllTextAsync(majorConfig)).Replace("berth.logdriver/1.0", "berth.logdriver/2.0", StringComparison.Ordinal));
        var refused = await daemon.DockerAsync("plugin", "create", "acme/log:2.0", major);
        Assert.That(refused.ExitCode, Is.Not.Zero, "a driver speaking a major this berthd does not speak is refused");
        Assert.That(refused.Stderr, Does.Contain("logdriver/2.0").And.Contain("speaks logdriver/1"), "naming both versions");
        await MustAsync(daemon, "plugin", "enable", "acme/log:1.0");
        var hello = await MustAsync(daemon, "run", "--name", "hello", "--log-driver", "acme/log:1.0", "bb:1", "echo", "hi from acme");
        Assert.That(hello.Stdout.Trim(), Is.EqualTo("hi from acme"));
        Assert.That((await MustAsync(daemon, "logs", "hello")).Stdout.Trim(), Is.EqualTo("hi from acme"), "docker logs reads back through the driver");

        var next = Path.Combine(work, "acme-log-1.1");
        CopyDirectory(package, next);
        var config = Path.Combine(next, "config.json");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config)).Replace("\"version\": \"1.0.0\"", "\"version\": \"1.1.0\"", StringComparison.Ordinal));
        await MustAsync(daemon, "plugin", "create", "acme/log:1.1", next);
        var writer = (await MustAsync(daemon, "run", "-d", "--name", "writer", "--log-driver", "acme/log:1.0", "bb:1",
            "sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); usleep 1000; done")).Stdout.Trim();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await MustAsync(daemon, "plugin", "disable", "acme/log:1.0");
        await MustAsync(daemon, "plugin", "upgrade", "--skip-remote-check", "--grant-all-permissions", "acme/log:1.0", "acme/log:1.1");
        await MustAsync(daemon, "plugin", "enable", "acme/log:1.0");
        var serving = await MustAsync(daemon, "plugin", "inspect", "acme/log:1.0", "--format", "{{.Version}}");
        Assert.That(serving.Stdout.Trim(), Is.EqualTo("1.1.0"));
        Assert.That((await MustAsync(daemon, "wait", writer)).Stdout.Trim(), Is.EqualTo("0"));

        await AssertEveryLineAsync(daemon, writer, "across disable, upgrade, enable (the lines written meanwhile waited in the FIFO)");

        // Berth's hot upgrade through the API, no disable: the old process stops before the new one takes the FIFOs.
        var hot = Path.Combine(work, "acme-log-1.2");
        CopyDirectory(next, hot);
        await File.WriteAllTextAsync(Path.Combine(hot, "config.json"), (await File.ReadAllTextAsync(config)).Replace("\"version\": \"1.1.0\"", "\"version\": \"1.2.0\"", StringComparison.Ordinal));
        await MustAsync(daemon, "plugin", "create", "acme/log:1.2", hot);
        var busy = (await MustAsync(daemon, "run", "-d", "--name", "busy", "--log-driver", "acme/log:1.0", "bb:1",
            "sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); usleep 1000; done")).Stdout.Trim();
        await Task.Delay(TimeSpan.FromSeconds(1));
        using (var client = daemon.Client())
            await client.Plugin.UpgradePluginAsync("acme/log:1.0", new Docker.DotNet.Models.PluginUpgradeParameters { Remote = "acme/log:1.2", Privileges = [] });
        Assert.That((await MustAsync(daemon, "plugin", "inspect", "acme/log:1.0", "--format", "{{.Version}} {{.Enabled}}")).Stdout.Trim(), Is.EqualTo("1.2.0 true"));
        Assert.That((await MustAsync(daemon, "wait", busy)).Stdout.Trim(), Is.EqualTo("0"));
        await AssertEveryLineAsync(daemon, busy, "across a hot upgrade");
    }

    /// <summary>
    /// The other kinds the template makes: as generated each passes its conformance kit, packs, installs and serves —
    /// the IPAM driver hands a container its address, the network driver puts it on a bridge, the graph driver and the
    /// snapshotter become the daemon's storage driver, the cluster backend runs a service's tasks.
    /// </summary>
    [TestCase("ipam")]
    [TestCase("graphdriver")]
    [TestCase("snapshotter")]
    [TestCase("networkdriver")]
    [TestCase("cluster")]
    public async Task NewDriver_OtherKind_PassesItsKitAndServesContainers(string kind)
    {
        var hive = Path.Combine(work, "template-hive");
        var project = Path.Combine(work, "Acme.Driver");
        await DotnetAsync("new", "install", TemplatePackage(), "--debug:custom-hive", hive);
        await DotnetAsync("new", "berth-driver", "--kind", kind, "-n", "Acme.Driver", "-o", project, "--debug:custom-hive", hive);
        var test = await DotnetAsync("test", project);
        Assert.That(test.Stdout, Does.Match(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]\d"), "the conformance kit ran and passed");
        Assert.That(test.Stdout, Does.Not.Contain("warning"), "the generated project builds without warnings");
        var package = await PackPluginAsync(Path.Combine(project, "src", "Acme.Driver", "Acme.Driver.csproj"), Path.Combine(work, "package"));

        var daemon = await BerthdInstance.StartAsync();
        try
        {
            await MustAsync(daemon, "plugin", "create", "acme/driver:1.0", package);
            await MustAsync(daemon, "plugin", "enable", "acme/driver:1.0");
            if (kind is "graphdriver" or "snapshotter") daemon = await daemon.RestartAsync("--storage-driver", "acme/driver:1.0");
            if (kind is "cluster") daemon = await daemon.RestartAsync("--cluster-backend", "acme/driver:1.0");
            await MustAsync(daemon, "import", TestImages.BusyboxRootfsTar, "bb:1");
            await (kind switch
            {
                "ipam" => ServeByIpamAsync(daemon),
                "networkdriver" => ServeByNetworkDriverAsync(daemon),
                "cluster" => ServeByClusterBackendAsync(daemon),
                _ => ServeByStorageDriverAsync(daemon),
            });
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    private static async Task ServeByIpamAsync(BerthdInstance daemon)
    {
        await MustAsync(daemon, "network", "create", "--ipam-driver", "acme/driver:1.0", "acme-net");
        var address = await MustAsync(daemon, "run", "--rm", "--network", "acme-net", "bb:1", "ip", "-4", "-o", "addr", "show", "eth0");
        Assert.That(address.Stdout, Does.Contain("inet 10.210.0.2/24"), "the first /24 of the driver's range; .1 went to the gateway");
        await MustAsync(daemon, "network", "rm", "acme-net");
    }

    private static async Task ServeByNetworkDriverAsync(BerthdInstance daemon)
    {
        await MustAsync(daemon, "network", "create", "-d", "acme/driver:1.0", "--subnet", "10.213.0.0/24", "-o", "bridge=acmebr0", "acme-net");
        var run = await MustAsync(daemon, "run", "--rm", "--network", "acme-net", "bb:1", "sh", "-c", "ip -4 -o addr show eth0 && ping -c 1 -W 5 10.213.0.1");
        Assert.That(run.Stdout, Does.Contain("inet 10.213.0.2/24").And.Contain("1 packets received"), "the container is on the driver's bridge and reaches its gateway");
        await MustAsync(daemon, "network", "rm", "acme-net");
        Assert.That(Directory.Exists("/sys/class/net/acmebr0"), Is.False, "network rm removed the driver's bridge");
    }

    private static async Task ServeByStorageDriverAsync(BerthdInstance daemon)
    {
        Assert.That((await MustAsync(daemon, "info", "--format", "{{.Driver}}")).Stdout.Trim(), Is.EqualTo("acme/driver:1.0"));
        var run = await MustAsync(daemon, "run", "--name", "written", "bb:1", "sh", "-c", "echo on-acme > /f && rm /bin/true && cat /f");
        Assert.That(run.Stdout.Trim(), Is.EqualTo("on-acme"));
        Assert.That((await MustAsync(daemon, "diff", "written")).Stdout, Does.Contain("A /f").And.Contain("D /bin/true"));
        await MustAsync(daemon, "commit", "written", "bb:2");
        var fromCommit = await MustAsync(daemon, "run", "--rm", "bb:2", "sh", "-c", "cat /f; test -e /bin/true || echo gone");
        Assert.That(fromCommit.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "on-acme", "gone" }), "the committed layer carries the file and the whiteout");
        await MustAsync(daemon, "rm", "written");
        await MustAsync(daemon, "rmi", "bb:2");
    }

    private async Task ServeByClusterBackendAsync(BerthdInstance daemon)
    {
        var secret = Path.Combine(work, "acme-secret");
        await File.WriteAllTextAsync(secret, "s3cret");
        await MustAsync(daemon, "swarm", "init", "--advertise-addr", "127.0.0.1");
        Assert.That((await MustAsync(daemon, "node", "ls", "--format", "{{.Self}} {{.Status}} {{.ManagerStatus}}")).Stdout.Trim(), Is.EqualTo("true Ready Leader"));
        await MustAsync(daemon, "secret", "create", "acme-secret", secret);
        // Not detached: the CLI follows the tasks until they run (its progress monitor lists them with _up-to-date).
        await MustAsync(daemon, "service", "create", "--name", "web", "--replicas", "2", "--secret", "acme-secret", "bb:1", "sleep", "100000");

        Assert.That(await Processes.EventuallyAsync(async () => (await ServiceContainersAsync(daemon, "running")).Length == 2, TimeSpan.FromSeconds(90)),
            $"the service's two tasks run as containers: {(await daemon.DockerAsync("service", "ps", "web")).Stdout}");
        Assert.That(await Processes.EventuallyAsync(async () => (await MustAsync(daemon, "service", "ls", "--format", "{{.Replicas}}")).Stdout.Trim() == "2/2", TimeSpan.FromSeconds(30)),
            "service ls counts the running tasks the agent reported");
        var secretFile = await MustAsync(daemon, "exec", (await ServiceContainersAsync(daemon, "running"))[0], "cat", "/run/secrets/acme-secret");
        Assert.That(secretFile.Stdout, Is.EqualTo("s3cret"), "the secret reached the task's container");
        await MustAsync(daemon, "service", "scale", "web=1");
        Assert.That(await Processes.EventuallyAsync(async () => (await ServiceContainersAsync(daemon, null)).Length == 1, TimeSpan.FromSeconds(60)), "scaled down to one task");
        await MustAsync(daemon, "service", "rollback", "--detach", "web");
        Assert.That(await Processes.EventuallyAsync(async () => (await ServiceContainersAsync(daemon, "running")).Length == 2, TimeSpan.FromSeconds(90)), "rolled back to two replicas");

        await MustAsync(daemon, "service", "rm", "web");
        Assert.That(await Processes.EventuallyAsync(async () => (await ServiceContainersAsync(daemon, null)).Length == 0, TimeSpan.FromSeconds(60)),
            "service rm removed the tasks' containers");
        await MustAsync(daemon, "swarm", "leave", "--force");
    }

    private static async Task<string[]> ServiceContainersAsync(BerthdInstance daemon, string? status)
    {
        string[] filters = status is null ? [] : ["--filter", $"status={status}"];
        var ps = await MustAsync(daemon, ["ps", "-aq", "--filter", "label=com.docker.swarm.service.name=web", .. filters]);
        return ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// SDK 1.x → kernel 1.y: a driver compiled against an earlier minor of the SDK (packed here as 1.0.0 into a feed of
    /// its own) runs on this berthd, whose plugin host carries the current SDK. The assembly version stays at the major,
    /// so the driver's reference binds to the host's Berth.Sdk.
    /// </summary>
    [Test]
    public async Task NewLogDriver_BuiltAgainstAnEarlierSdkMinor_RunsOnThisKernel()
    {
        const string Earlier = "1.0.0";
        var feed = Path.Combine(work, "feed-" + Earlier);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string[] ids = ["Berth.Sdk", "Berth.Sdk.Logs"];
        try
        {
            foreach (var id in ids)
            {
                DeleteIfExists(Path.Combine(cache, id.ToLowerInvariant(), Earlier));
                await DotnetAsync("pack", Path.Combine(RepoPaths.Root, "sdk", id, id + ".csproj"), "-c", "Release", "-o", feed, $"-p:Version={Earlier}", "--artifacts-path", Path.Combine(work, "pack-" + id));
            }
            var hive = Path.Combine(work, "template-hive");
            var project = Path.Combine(work, "Acme.Old");
            await DotnetAsync("new", "install", TemplatePackage(), "--debug:custom-hive", hive);
            await DotnetAsync("new", "berth-driver", "--kind", "logdriver", "-n", "Acme.Old", "-o", project, "--sdkVersion", Earlier, "--sdkFeed", feed, "--debug:custom-hive", hive);
            var driver = Path.Combine(project, "src", "Acme.Old");
            await DotnetAsync("build", Path.Combine(driver, "Acme.Old.csproj"), "-t:PackPlugin", "-c", "Release");
            var assets = await File.ReadAllTextAsync(Path.Combine(driver, "obj", "project.assets.json"));
            Assert.That(assets, Does.Contain($"\"Berth.Sdk/{Earlier}\"").And.Not.Contain("\"Berth.Sdk/1.2"), $"the driver was built against SDK {Earlier}");

            await using var daemon = await BerthdInstance.StartAsync();
            await MustAsync(daemon, "import", TestImages.BusyboxRootfsTar, "bb:1");
            await MustAsync(daemon, "plugin", "create", "acme/old:1.0", Path.Combine(driver, "bin", "plugin"));
            await MustAsync(daemon, "plugin", "enable", "acme/old:1.0");
            await MustAsync(daemon, "run", "--name", "old", "--log-driver", "acme/old:1.0", "bb:1", "echo", "built against an earlier SDK");

            Assert.That((await MustAsync(daemon, "logs", "old")).Stdout.Trim(), Is.EqualTo("built against an earlier SDK"));
        }
        finally
        {
            foreach (var id in ids)
                DeleteIfExists(Path.Combine(cache, id.ToLowerInvariant(), Earlier));
        }
    }

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    private static async Task AssertEveryLineAsync(BerthdInstance daemon, string container, string when)
    {
        var logs = (await MustAsync(daemon, "logs", container)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(logs, Is.EqualTo(Enumerable.Range(0, 3000).Select(i => $"line {i}")), $"every line, once and in order, {when}");
    }
}
