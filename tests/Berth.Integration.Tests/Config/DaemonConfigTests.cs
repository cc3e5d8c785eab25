using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Config;

[TestFixture]
public sealed class DaemonConfigTests
{
    private DirectoryInfo root = null!;

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("berth-cfg.");

    [TearDown]
    public void RemoveRoot() => root.Delete(recursive: true);

    private Task<CommandResult> RunBerthdAsync(params string[] args) => Processes.RunAsync(RepoPaths.Berthd,
        ["-H", $"unix://{root.FullName}/b.sock", "--data-root", $"{root.FullName}/data", "--exec-root", $"{root.FullName}/exec", "--pidfile", $"{root.FullName}/pid", .. args],
        timeout: TimeSpan.FromSeconds(30));

    private string ConfigFile(string json)
    {
        var path = Path.Combine(root.FullName, "daemon.json");
        File.WriteAllText(path, json);
        return path;
    }

    [TestCase("{\"no-such-key\": 1}", "no-such-key")]
    [TestCase("{\"debug\": \"yes\"}", "\"debug\"")]
    [TestCase("{\"log-level\": \"chatty\"}", "\"log-level\"")]
    [TestCase("{\"bip\": \"300.1.2.3/99\"}", "\"bip\"")]
    [TestCase("{\"hosts\": [\"ftp://x\"]}", "hosts")]
    [TestCase("{\"plugin-call-timeout\": -1}", "\"plugin-call-timeout\"")]
    [TestCase("{ not json", "daemon.json")]
    public async Task Start_BadDaemonJson_ExitsNonZeroNamingTheKey(string json, string named)
    {
        var result = await RunBerthdAsync("--config-file", ConfigFile(json));
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain(named));
    }

    [Test]
    public async Task Start_KeyAsFlagAndInFile_IsRefused()
    {
        var result = await RunBerthdAsync("--config-file", ConfigFile("{\"debug\": false}"), "--debug");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("specified both as a flag and in the configuration file"));
    }

    [Test]
    public async Task Start_UnknownStorageDriver_ListsInstalledOnes()
    {
        var result = await RunBerthdAsync("--storage-driver", "zfs");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("\"zfs\"").And.Contain("overlay2 (plugin overlay:latest)"));
    }

    [Test]
    public async Task Start_PlainTcpOnPublicAddress_IsRefused()
    {
        var result = await RunBerthdAsync("-H", "tcp://0.0.0.0:23750");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("refusing to listen on tcp://0.0.0.0:23750 without --tlsverify"));
    }

    [Test]
    public async Task Start_UnknownFlag_ExitsNonZero()
    {
        var result = await RunBerthdAsync("--frobnicate");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("unknown flag: --frobnicate"));
    }
}
