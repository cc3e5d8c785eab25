using System.Text.Json.Nodes;
using Berth.Kernel.Config;

namespace Berth.Kernel.Tests.Config;

public class ConfigLoaderTests
{
    private const string FilePath = "/etc/berth/daemon.json";

    private static DaemonConfig Build(string fileJson, params string[] flags) =>
        ConfigLoader.Build(CommandLine.Parse(flags).Values, JsonNode.Parse(fileJson)!.AsObject(), FilePath);

    private static ConfigException Fails(string fileJson, params string[] flags) =>
        Assert.Throws<ConfigException>(() => Build(fileJson, flags))!;

    [Test]
    public void Build_UnknownKey_ErrorNamesTheKey()
    {
        var ex = Fails("""{ "debug": true, "no-such-key": 1 }""");

        Assert.That(ex.Message, Does.Contain("no-such-key").And.Contain("don't match any configuration option").And.Contain(FilePath));
        Assert.That(ex.Message, Does.Not.Contain("debug"));
    }

    [Test]
    public void Build_BadBoolValue_ErrorNamesTheKey()
    {
        var ex = Fails("""{ "debug": "yes" }""");

        Assert.That(ex.Message, Is.EqualTo($"invalid value for \"debug\" in file {FilePath}: expected true or false, got \"yes\""));
    }

    [Test]
    public void Build_KeyAsFlagAndInFile_ErrorNamesBothValues()
    {
        var ex = Fails("""{ "log-level": "warn", "debug": false }""", "--debug", "--log-level", "error");

        Assert.That(ex.Message, Does.Contain("specified both as a flag and in the configuration file"));
        Assert.That(ex.Message, Does.Contain("debug: (from flag: true, from file: false)"));
        Assert.That(ex.Message, Does.Contain("log-level: (from flag: \"error\", from file: \"warn\")"));
    }

    [Test]
    public void Build_FileAndFlags_Merge()
    {
        var config = Build("""{ "log-opts": { "max-size": "10m" }, "storage-driver": "overlay2", "labels": ["zone=a"] }""",
            "-H", "unix:///run/berth/berth.sock", "-H", "tcp://127.0.0.1:2375", "--iptables=false");

        Assert.That(config.Hosts, Is.EqualTo(new[] { "unix:///run/berth/berth.sock", "tcp://127.0.0.1:2375" }));
        Assert.That(config.LogOpts, Is.EquivalentTo(new Dictionary<string, string> { ["max-size"] = "10m" }));
        Assert.That(config.StorageDriver, Is.EqualTo("overlay2"));
        Assert.That(config.Iptables, Is.False);
        Assert.That(config.Labels, Is.EqualTo(new[] { "zone=a" }));
        Assert.That(config.ConfigFile, Is.EqualTo(FilePath));
    }

    [Test]
    public void Build_NothingGiven_UsesDefaults()
    {
        var config = ConfigLoader.Build([], null, null);

        Assert.That(config, Is.EqualTo(new DaemonConfig { IgnoredKeys = config.IgnoredKeys, Hosts = config.Hosts, LogOpts = config.LogOpts, Runtimes = config.Runtimes, StorageOpts = config.StorageOpts, Labels = config.Labels }));
        Assert.That(config.Hosts, Is.EqualTo(new[] { "unix:///run/berth/berth.sock" }));
        Assert.That(config.DataRoot, Is.EqualTo("/var/lib/berth"));
        Assert.That(config.PluginCallTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(config.Iptables, Is.True);
        Assert.That(config.IgnoredKeys, Is.Empty);
    }

    [Test]
    public void Build_DockerKeyBerthDoesNotActOn_IsAcceptedAndListedAsIgnored()
    {
        var config = Build("""{ "mtu": 1400, "registry-mirrors": ["https://mirror"] }""");

        Assert.That(config.IgnoredKeys, Is.EquivalentTo(new[] { "mtu", "registry-mirrors" }));
    }

    [TestCase("""{ "data-root": "var/lib/berth" }""", "data-root", "is not an absolute path")]
    [TestCase("""{ "log-level": "loud" }""", "log-level", "is not one of debug, info")]
    [TestCase("""{ "storage-driver": " " }""", "storage-driver", "must not be empty")]
    [TestCase("""{ "plugin-call-timeout": 0 }""", "plugin-call-timeout", "must be more than 0 seconds")]
    [TestCase("""{ "shutdown-timeout": -1 }""", "shutdown-timeout", "below 0")]
    [TestCase("""{ "shutdown-timeout": "soon" }""", "shutdown-timeout", "expected a number")]
    [TestCase("""{ "hosts": "unix:///x.sock" }""", "hosts", "expected a list of strings")]
    [TestCase("""{ "hosts": [1] }""", "hosts", "expected strings")]
    [TestCase("""{ "log-opts": { "max-size": 10 } }""", "log-opts", "\"max-size\" must be a string")]
    [TestCase("""{ "runtimes": { "crun": {} } }""", "runtimes", "runtime \"crun\" needs a \"path\"")]
    [TestCase("""{ "default-runtime": "kata" }""", "default-runtime", "runtime \"kata\" is not configured")]
    [TestCase("""{ "tlsverify": true }""", "tlsverify", "needs \"tlscacert\"")]
    [TestCase("""{ "labels": ["novalue"] }""", "labels", "label \"novalue\" is not key=value")]
    [TestCase("""{ "bip": "172.17.0.1" }""", "bip", "is not an IPv4 address in CIDR form")]
    public void Build_BadValue_ErrorNamesTheKeyAndTheProblem(string fileJson, string key, string problem)
    {
        var ex = Fails(fileJson);

        Assert.That(ex.Message, Does.Contain($"\"{key}\"").And.Contain(problem));
    }

    [Test]
    public void Build_MalformedHost_ErrorNamesHosts()
    {
        var ex = Fails("""{ "hosts": ["tcp://example.com:2375"] }""");

        Assert.That(ex.Message, Does.Contain("\"hosts\"").And.Contain("is not an IP address"));
    }

    [Test]
    public void Build_NumbersAsStringsAndRuntimes_AreRead()
    {
        var config = Build("""{ "plugin-call-timeout": "2.5", "shutdown-timeout": 20, "runtimes": { "kata": { "path": "/usr/bin/kata", "runtimeArgs": ["--debug"] } }, "default-runtime": "kata" }""");

        Assert.That(config.PluginCallTimeout, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
        Assert.That(config.ShutdownTimeoutSeconds, Is.EqualTo(20));
        Assert.That(config.Runtimes["kata"].Path, Is.EqualTo("/usr/bin/kata"));
        Assert.That(config.Runtimes["kata"].RuntimeArgs, Is.EqualTo(new[] { "--debug" }));
        Assert.That(config.DefaultRuntime, Is.EqualTo("kata"));
    }

    [Test]
    public void Load_ExplicitConfigFileMissing_ThrowsNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"berth-missing-{Guid.NewGuid():N}.json");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(CommandLine.Parse(["--config-file", path])))!;

        Assert.That(ex.Message, Does.Contain(path).And.Contain("does not exist"));
    }

    [Test]
    public void Load_ConfigFileWithCommentsAndTrailingCommas_IsRead()
    {
        var path = Path.Combine(Path.GetTempPath(), $"berth-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\n  // dockerd accepts this too\n  \"debug\": true,\n}\n");
        try
        {
            var config = ConfigLoader.Load(CommandLine.Parse(["--config-file", path]));

            Assert.That(config.Debug, Is.True);
            Assert.That(config.ConfigFile, Is.EqualTo(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("{ \"debug\": ")]
    [TestCase("[1, 2]")]
    public void ReadFile_NotAJsonObject_ThrowsNamingTheFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"berth-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        try
        {
            var ex = Assert.Throws<ConfigException>(() => ConfigLoader.ReadFile(path, required: true))!;

            Assert.That(ex.Message, Does.StartWith($"unable to configure the daemon with file {path}: "));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ReadFile_OptionalAndMissing_ReturnsNull()
    {
        Assert.That(ConfigLoader.ReadFile($"/nonexistent/{Guid.NewGuid():N}.json", required: false), Is.Null);
    }
}
