using System.Text.Json.Nodes;
using Berth.Kernel.Containers;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Containers;

public class MountSpecParserTests
{
    private string source = "";

    [SetUp]
    public void CreateSource() => source = Directory.CreateTempSubdirectory("berth-mounts.").FullName;

    [TearDown]
    public void DeleteSource() => Directory.Delete(source, recursive: true);

    private static BerthException Invalid(TestDelegate parse)
    {
        var error = Assert.Throws<BerthException>(parse)!;
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        return error;
    }

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Test]
    public void ParseBind_AbsoluteSource_IsARprivateReadWriteBind()
    {
        var mount = MountSpecParser.ParseBind("/srv/data:/data");

        Assert.That(mount, Is.EqualTo(new MountPoint("bind", null, "/srv/data", "/data", null, "", true, "rprivate")));
    }

    [Test]
    public void ParseBind_PathsWithDotsAndTrailingSlashes_AreCleaned()
    {
        var mount = MountSpecParser.ParseBind("/srv/../opt/./app:/data/x/../y/");

        Assert.Multiple(() =>
        {
            Assert.That(mount.Source, Is.EqualTo("/opt/app"));
            Assert.That(mount.Destination, Is.EqualTo("/data/y"));
        });
    }

    [Test]
    public void ParseBind_ReadOnlyWithLabelAndPropagation_KeepsTheModeText()
    {
        var mount = MountSpecParser.ParseBind("/srv:/srv:ro,Z,rslave");

        Assert.Multiple(() =>
        {
            Assert.That(mount.RW, Is.False);
            Assert.That(mount.Mode, Is.EqualTo("ro,Z,rslave"));
            Assert.That(mount.Propagation, Is.EqualTo("rslave"));
        });
    }

    [TestCase("rw", true)]
    [TestCase("ro", false)]
    [TestCase("z", true)]
    [TestCase("shared", true)]
    [TestCase("ro,private", false)]
    public void ParseBind_ValidModes_SetReadWrite(string mode, bool readWrite)
    {
        Assert.That(MountSpecParser.ParseBind($"/a:/b:{mode}").RW, Is.EqualTo(readWrite));
    }

    [Test]
    public void ParseBind_Name_IsANamedLocalVolumeWithoutPropagation()
    {
        var mount = MountSpecParser.ParseBind("cache:/var/cache:ro");

        Assert.Multiple(() =>
        {
            Assert.That(mount.Type, Is.EqualTo("volume"));
            Assert.That(mount.Name, Is.EqualTo("cache"));
            Assert.That(mount.Source, Is.EqualTo(""));
            Assert.That(mount.Destination, Is.EqualTo("/var/cache"));
            Assert.That(mount.Driver, Is.EqualTo("local"));
            Assert.That(mount.Mode, Is.EqualTo("ro"));
            Assert.That(mount.RW, Is.False);
            Assert.That(mount.Propagation, Is.EqualTo(""));
            Assert.That(mount.Anonymous, Is.False);
        });
    }

    /// <summary>Moby's setBindModeIfNull: a -v named volume of the local driver without a mode shows Mode "z".</summary>
    [Test]
    public void ParseBind_NameWithoutMode_HasModeZAsMobyDoes()
    {
        Assert.That(MountSpecParser.ParseBind("cache:/var/cache").Mode, Is.EqualTo("z"));
    }

    [TestCase("")]
    [TestCase(":/b")]
    [TestCase("/a:")]
    [TestCase("::")]
    [TestCase("/a:/b:ro:extra")]
    public void ParseBind_WrongNumberOfParts_IsAnInvalidVolumeSpecification(string spec)
    {
        var error = Invalid(() => MountSpecParser.ParseBind(spec));

        Assert.That(error.Message, Is.EqualTo($"invalid volume specification: '{spec}'"));
    }

    [TestCase("sw")]
    [TestCase("rwz")]
    [TestCase("ro,rw")]
    [TestCase("ro,rshared,rslave")]
    [TestCase("ro,z,rshared,rslave")]
    public void ParseBind_BadMode_IsDockersInvalidMode(string mode)
    {
        var error = Invalid(() => MountSpecParser.ParseBind($"/path:/path:{mode}"));

        Assert.That(error.Message, Is.EqualTo($"invalid mode: {mode}"));
    }

    /// <summary>Moby's linuxValidMountMode accepts the consistency modes (compose files use :cached and :delegated).</summary>
    [TestCase("cached")]
    [TestCase("delegated")]
    [TestCase("consistent")]
    [TestCase("ro,cached")]
    public void ParseBind_ConsistencyMode_IsAcceptedAsMobyDoes(string mode)
    {
        Assert.DoesNotThrow(() => MountSpecParser.ParseBind($"/path:/path:{mode}"));
    }

    /// <summary>Moby: a named volume takes no propagation ("field BindOptions must not be specified").</summary>
    [Test]
    public void ParseBind_NamedVolumeWithPropagation_IsRejectedAsMobyDoes()
    {
        var error = Invalid(() => MountSpecParser.ParseBind("name:/absolute-path:shared"));

        Assert.That(error.Message, Does.StartWith("invalid volume specification: 'name:/absolute-path:shared'"));
    }

    [Test]
    public void ParseBind_RelativeDestinationOfAVolume_IsDockersMountPathMessage()
    {
        var error = Invalid(() => MountSpecParser.ParseBind("data:rel"));

        Assert.That(error.Message, Is.EqualTo(
            "invalid volume specification: 'data:rel': invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute"));
    }

    [Test]
    public void ParseBind_RelativeDestinationOfABind_NamesTheBindTypeAsMobyDoes()
    {
        var error = Invalid(() => MountSpecParser.ParseBind("/tmp:tmp"));

        Assert.That(error.Message, Is.EqualTo(
            "invalid volume specification: '/tmp:tmp': invalid mount config for type \"bind\": invalid mount path: 'tmp' mount path must be absolute"));
    }

    [TestCase("/tmp:/")]
    [TestCase("/tmp:/..")]
    public void ParseBind_RootDestination_IsRejected(string spec)
    {
        var error = Invalid(() => MountSpecParser.ParseBind(spec));

        Assert.That(error.Message, Does.Contain("destination can't be '/'"));
    }

    /// <summary>Moby ≥ 18.x: ErrVolumeTargetIsRoot wrapped in errMountConfig and errInvalidSpec.</summary>
    [Test]
    public void ParseBind_RootDestination_IsMobysCurrentMessage()
    {
        var error = Invalid(() => MountSpecParser.ParseBind("/tmp:/"));

        Assert.That(error.Message, Is.EqualTo(
            "invalid volume specification: '/tmp:/': invalid mount config for type \"bind\": invalid specification: destination can't be '/'"));
    }

    [Test]
    public void ParseBind_RelativeSourceThatIsNoVolumeName_PointsAtAbsolutePaths()
    {
        var error = Invalid(() => MountSpecParser.ParseBind("./data:/data"));

        Assert.That(error.Message, Does.StartWith("\"./data\" includes invalid characters for a local volume name").And.EndWith("If you intended to pass a host directory, use absolute path"));
    }

    [Test]
    public void ParseBind_OneCharacterVolumeName_IsTooShort()
    {
        var error = Invalid(() => MountSpecParser.ParseBind("a:/data"));

        Assert.That(error.Message, Is.EqualTo("volume name is too short, names should be at least two alphanumeric characters"));
    }

    [Test]
    public void ParseMount_Bind_ResolvesTheSourceAndTakesReadOnlyAndPropagation()
    {
        var mount = MountSpecParser.ParseMount(Json($$"""
            {"Type":"bind","Source":"{{source}}/.","Target":"/in/","ReadOnly":true,"BindOptions":{"Propagation":"rshared"} }
            """));

        Assert.That(mount, Is.EqualTo(new MountPoint("bind", null, source, "/in", null, "", false, "rshared")));
    }

    [Test]
    public void ParseMount_BindWithoutPropagation_IsRprivateAndReadWrite()
    {
        var mount = MountSpecParser.ParseMount(Json($$"""{"Type":"bind","Source":"{{source}}","Target":"/in"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(mount.Propagation, Is.EqualTo("rprivate"));
            Assert.That(mount.RW, Is.True);
        });
    }

    [Test]
    public void ParseMount_BindWithoutSource_IsDockersMissingFieldMessage()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json("""{"Type":"bind","Target":"/in"}""")));

        Assert.That(error.Message, Is.EqualTo("invalid mount config for type \"bind\": field Source must not be empty"));
    }

    [Test]
    public void ParseMount_BindSourceMissingOnTheHost_IsDockersMessage()
    {
        var missing = Path.Combine(source, "nope");

        var error = Invalid(() => MountSpecParser.ParseMount(Json($$"""{"Type":"bind","Source":"{{missing}}","Target":"/in"}""")));

        Assert.That(error.Message, Is.EqualTo($"invalid mount config for type \"bind\": bind source path does not exist: {missing}"));
    }

    [Test]
    public void ParseMount_BindWithUnknownPropagation_IsDockersMessage()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json($$"""
            {"Type":"bind","Source":"{{source}}","Target":"/in","BindOptions":{"Propagation":"sideways"} }
            """)));

        Assert.That(error.Message, Is.EqualTo("invalid mount config for type \"bind\": invalid propagation mode: sideways"));
    }

    [Test]
    public void ParseMount_NamedVolume_HasModeZAndNoCopyOption()
    {
        var mount = MountSpecParser.ParseMount(Json("""{"Type":"volume","Source":"pgdata","Target":"/var/lib/pg","VolumeOptions":{"NoCopy":true}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(mount.Type, Is.EqualTo("volume"));
            Assert.That(mount.Name, Is.EqualTo("pgdata"));
            Assert.That(mount.Mode, Is.EqualTo("z"));
            Assert.That(mount.Driver, Is.EqualTo("local"));
            Assert.That(mount.RW, Is.True);
            Assert.That(mount.Anonymous, Is.False);
            Assert.That(mount.Options, Is.EqualTo(new[] { "nocopy" }));
        });
    }

    [Test]
    public void ParseMount_VolumeWithoutSource_IsAnonymous()
    {
        var mount = MountSpecParser.ParseMount(Json("""{"Type":"volume","Target":"/scratch"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(mount.Anonymous, Is.True);
            Assert.That(mount.Name, Is.Null);
            Assert.That(mount.Options, Is.Empty);
        });
    }

    /// <summary>Moby: "must not set ReadOnly mode when using anonymous volumes".</summary>
    [Test]
    public void ParseMount_ReadOnlyAnonymousVolume_IsRejectedAsMobyDoes()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json("""{"Type":"volume","Target":"/scratch","ReadOnly":true}""")));

        Assert.That(error.Message, Is.EqualTo("invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes"));
    }

    [Test]
    public void ParseMount_Tmpfs_TurnsSizeAndOctalModeIntoOptions()
    {
        var mount = MountSpecParser.ParseMount(Json("""{"Type":"tmpfs","Target":"/run","TmpfsOptions":{"SizeBytes":1048576,"Mode":448}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(mount.Type, Is.EqualTo("tmpfs"));
            Assert.That(mount.Destination, Is.EqualTo("/run"));
            Assert.That(mount.Options, Is.EqualTo(new[] { "size=1048576", "mode=700" }));
            Assert.That(mount.RW, Is.True);
        });
    }

    [Test]
    public void ParseMount_TmpfsWithSource_IsDockersExtraFieldMessage()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json("""{"Type":"tmpfs","Source":"x","Target":"/run"}""")));

        Assert.That(error.Message, Is.EqualTo("invalid mount config for type \"tmpfs\": field Source must not be specified"));
    }

    [Test]
    public void ParseMount_UnknownType_IsDockersMessage()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json("""{"Type":"npipe","Target":"/x"}""")));

        Assert.That(error.Message, Is.EqualTo("invalid mount config for type \"npipe\": mount type unknown"));
    }

    [Test]
    public void ParseMount_NoType_IsInvalid()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json("""{"Target":"/x"}""")));

        Assert.That(error.Message, Does.StartWith("invalid mount config"));
    }

    [Test]
    public void ParseMount_NoTarget_IsInvalid()
    {
        var error = Invalid(() => MountSpecParser.ParseMount(Json("""{"Type":"tmpfs"}""")));

        Assert.That(error.Message, Does.Contain("Target must not be empty"));
    }

    [Test]
    public void Parse_BindsMountsAndImageVolumes_AreCombinedWithAnonymousVolumesForUncoveredPaths()
    {
        var config = Json("""{"Volumes":{"/data":{},"/logs/":{}}}""");
        var host = Json("""{"Binds":["/srv/data:/data"],"Mounts":[{"Type":"tmpfs","Target":"/run"}]}""");

        var mounts = MountSpecParser.Parse(config, host);

        Assert.Multiple(() =>
        {
            Assert.That(mounts.Select(m => (m.Type, m.Destination)), Is.EqualTo(new[] { ("bind", "/data"), ("tmpfs", "/run"), ("volume", "/logs") }));
            Assert.That(mounts[2], Is.EqualTo(new MountPoint("volume", null, "", "/logs", "local", "", true, "") { Anonymous = true }));
        });
    }

    [Test]
    public void Parse_NothingToMount_IsEmpty()
    {
        Assert.That(MountSpecParser.Parse([], []), Is.Empty);
    }

    [Test]
    public void Parse_SameDestinationTwice_IsDockersDuplicateMessage()
    {
        var host = Json("""{"Binds":["/a:/data","cache:/data/"]}""");

        var error = Invalid(() => MountSpecParser.Parse([], host));

        Assert.That(error.Message, Is.EqualTo("Duplicate mount point: /data"));
    }

    [Test]
    public void Parse_BindAndMountOnOneDestination_IsADuplicate()
    {
        var host = Json("""{"Binds":["cache:/run"],"Mounts":[{"Type":"tmpfs","Target":"/run"}]}""");

        var error = Invalid(() => MountSpecParser.Parse([], host));

        Assert.That(error.Message, Is.EqualTo("Duplicate mount point: /run"));
    }

    [Test]
    public void Parse_RelativeImageVolume_IsInvalid()
    {
        var error = Invalid(() => MountSpecParser.Parse(Json("""{"Volumes":{"data":{}}}"""), []));

        Assert.That(error.Message, Does.Contain("mount path must be absolute"));
    }
}
