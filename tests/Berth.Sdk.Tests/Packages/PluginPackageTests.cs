using Berth.Sdk.Hosting.Packages;
using Berth.Sdk.Protocol;

namespace Berth.Sdk.Tests.Packages;

public class PluginPackageTests
{
    private static readonly Dictionary<string, int> Supported = new() { ["logdriver"] = 1, ["graphdriver"] = 1 };

    private string dir = null!;

    [SetUp]
    public void SetUp()
    {
        dir = Path.Combine(Path.GetTempPath(), "berth-pkg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "rootfs"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    private void WriteConfig(string json) => File.WriteAllText(Path.Combine(dir, "config.json"), json);

    private void WriteAssembly(string relative = "Driver.dll")
    {
        var path = Path.Combine(dir, "rootfs", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x4d, 0x5a]);
    }

    private static string Config(string types = "\"berth.logdriver/1.0\"", string berth = """{ "name": "json-log", "version": "1.0.0", "assembly": "Driver.dll", "aliases": ["json-file"] }""") => $$"""
        {
          // Docker's managed plugin config, with comments as our reader allows
          "Description": "test driver",
          "Interface": { "Types": [{{types}}], "Socket": "berth.sock" },
          "Entrypoint": ["/berth-plugin-host"],
          "berth": {{berth}},
        }
        """;

    private BerthException LoadFails()
    {
        var ex = Assert.Throws<BerthException>(() => PluginPackage.Load(dir, Supported))!;
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.StartWith($"plugin package {dir}"));
        return ex;
    }

    [Test]
    public void Load_ValidPackage_ReturnsVersionAssemblyProtocolsAndAliases()
    {
        WriteConfig(Config(types: "\"berth.logdriver/1.2\", \"graphdriver/1\""));
        WriteAssembly();

        var package = PluginPackage.Load(dir, Supported);

        Assert.That(package.Version, Is.EqualTo("1.0.0"));
        Assert.That(package.AssemblyPath, Is.EqualTo(Path.Combine(dir, "rootfs", "Driver.dll")));
        Assert.That(package.Protocols, Is.EqualTo(new[] { new ProtocolId("logdriver", 1, 2), Protocols.GraphDriver }));
        Assert.That(package.Aliases, Is.EqualTo(new[] { "json-file" }));
        Assert.That(package.Config.Description, Is.EqualTo("test driver"));
        Assert.That(package.Config.Entrypoint, Is.EqualTo(new[] { "/berth-plugin-host" }));
    }

    [Test]
    public void Load_FieldNamesInOtherCase_AreAcceptedLikeDocker()
    {
        WriteConfig("""{ "description": "x", "interface": { "types": ["berth.logdriver/1.0"] }, "Berth": { "Version": "2.0.0-rc.1", "Assembly": "/Driver.dll" } }""");
        WriteAssembly();

        var package = PluginPackage.Load(dir, Supported);

        Assert.That(package.Version, Is.EqualTo("2.0.0-rc.1"));
        Assert.That(package.Aliases, Is.Empty);
    }

    [Test]
    public void Load_ConfigMissing_SaysConfigIsMissing()
    {
        Assert.That(LoadFails().Message, Does.EndWith("config.json is missing"));
    }

    [Test]
    public void Load_InvalidJson_SaysConfigIsNotValid()
    {
        WriteConfig("{ \"Description\": ");

        Assert.That(LoadFails().Message, Does.Contain("config.json is not valid"));
    }

    [Test]
    public void Load_NullJson_SaysConfigIsEmpty()
    {
        WriteConfig("null");

        Assert.That(LoadFails().Message, Does.Contain("config.json is empty"));
    }

    [Test]
    public void Load_NoBerthSection_SaysItIsNotABerthPackage()
    {
        WriteConfig("""{ "Description": "a Docker v2 plugin", "Interface": { "Types": ["docker.logdriver/1.0"] } }""");

        Assert.That(LoadFails().Message, Does.Contain("has no \"berth\" section").And.Contain("not a Berth plugin package"));
    }

    [Test]
    public void Load_AssemblyFileMissing_NamesTheAssembly()
    {
        WriteConfig(Config());

        Assert.That(LoadFails().Message, Does.Contain("the plugin assembly rootfs/Driver.dll is missing"));
    }

    [Test]
    public void Load_AssemblyNotGiven_SaysItIsRequired()
    {
        WriteConfig(Config(berth: """{ "version": "1.0.0" }"""));

        Assert.That(LoadFails().Message, Does.Contain("berth.assembly is required"));
    }

    [Test]
    public void Load_AssemblyOutsideRootfs_IsRefused()
    {
        WriteConfig(Config(berth: """{ "version": "1.0.0", "assembly": "../config.json" }"""));

        Assert.That(LoadFails().Message, Does.Contain("berth.assembly \"../config.json\" points outside rootfs/"));
    }

    [TestCase("1.0")]
    [TestCase("v1.0.0")]
    [TestCase("latest")]
    public void Load_VersionNotSemantic_NamesTheVersion(string version)
    {
        WriteConfig(Config(berth: $$"""{ "version": "{{version}}", "assembly": "Driver.dll" }"""));
        WriteAssembly();

        Assert.That(LoadFails().Message, Does.Contain($"berth.version \"{version}\" is not a version like 1.2.3"));
    }

    [Test]
    public void Load_NoInterfaceTypes_SaysNoDriverKind()
    {
        WriteConfig(Config(types: ""));
        WriteAssembly();

        Assert.That(LoadFails().Message, Does.Contain("Interface.Types lists no driver kind"));
    }

    [Test]
    public void Load_MalformedProtocol_NamesTheEntry()
    {
        WriteConfig(Config(types: "\"logdriver\""));
        WriteAssembly();

        Assert.That(LoadFails().Message, Does.Contain("Interface.Types entry \"logdriver\" is not a protocol"));
    }

    [Test]
    public void Load_UnknownKind_NamesTheKindAndTheKnownOnes()
    {
        WriteConfig(Config(types: "\"berth.volumedriver/1.0\""));
        WriteAssembly();

        Assert.That(LoadFails().Message, Does.Contain("unknown driver kind \"volumedriver\"").And.Contain("known: graphdriver, logdriver"));
    }

    [Test]
    public void Load_UnsupportedMajor_NamesTheMajorWeSpeak()
    {
        WriteConfig(Config(types: "\"berth.logdriver/2.0\""));
        WriteAssembly();

        Assert.That(LoadFails().Message, Does.Contain("protocol major 2 is not spoken by this berthd, which speaks logdriver/1"));
    }
}
