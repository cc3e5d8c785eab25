using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class OciSpecBuilderProcessTests
{
    [Test]
    public void Build_Defaults_ReportsRuncsOciVersionAndRoot()
    {
        var spec = Build(hostConfig: new JsonObject { ["ReadonlyRootfs"] = true }, rootfs: "/var/lib/berth/rootfs");

        Assert.That(spec["ociVersion"]!.GetValue<string>(), Is.EqualTo("1.0.2-dev"));
        Assert.That(spec["root"]!["path"]!.GetValue<string>(), Is.EqualTo("/var/lib/berth/rootfs"));
        Assert.That(spec["root"]!["readonly"]!.GetValue<bool>(), Is.True);
        Assert.That(spec["hostname"]!.GetValue<string>(), Is.EqualTo("c0ffee"));
    }

    [Test]
    public void Build_EntrypointAndCmd_ArgsAreEntrypointThenCmd()
    {
        var config = ContainerConfig("-c", "echo hi");
        config["Entrypoint"] = Json("/bin/sh");

        var spec = Build(config);

        Assert.That(Strings(spec["process"]!["args"]), Is.EqualTo(new[] { "/bin/sh", "-c", "echo hi" }));
    }

    [Test]
    public void Build_CmdAsBareString_IsOneArgument()
    {
        var config = new JsonObject { ["Cmd"] = "top" };

        Assert.That(Strings(Build(config)["process"]!["args"]), Is.EqualTo(new[] { "top" }));
    }

    [Test]
    public void Build_NoEntrypointNoCmd_ThrowsNoCommandSpecified()
    {
        var ex = Assert.Throws<BerthException>(() => Build(new JsonObject { ["Cmd"] = new JsonArray() }))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("no command specified"));
    }

    [Test]
    public void Build_EnvWithoutPathAndTty_AddsDefaultPathHostnameAndTerm()
    {
        var config = ContainerConfig("sh");
        config["Tty"] = true;
        config["Env"] = Json("FOO=bar");

        var spec = Build(config);

        Assert.That(Strings(spec["process"]!["env"]), Is.EqualTo(new[]
        {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=c0ffee", "TERM=xterm", "FOO=bar",
        }));
        Assert.That(spec["process"]!["terminal"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Build_EnvWithPathNoTty_KeepsThePathInPlaceWithoutTerm()
    {
        var config = ContainerConfig("sh");
        config["Env"] = Json("PATH=/opt/bin", "HOSTNAME");

        var env = Strings(Build(config)["process"]!["env"]);

        Assert.That(env, Is.EqualTo(new[] { "PATH=/opt/bin" }));
    }

    [Test]
    public void Build_WorkingDir_SetsCwdAndDefaultsToRoot()
    {
        var config = ContainerConfig("sh");
        config["WorkingDir"] = "/app";

        Assert.That(Build(config)["process"]!["cwd"]!.GetValue<string>(), Is.EqualTo("/app"));
        Assert.That(Build()["process"]!["cwd"]!.GetValue<string>(), Is.EqualTo("/"));
    }

    [Test]
    public void Build_Defaults_CapabilitiesBoundingEffectivePermittedOnly()
    {
        var caps = Build()["process"]!["capabilities"]!.AsObject();

        Assert.That(caps.Select(p => p.Key), Is.EquivalentTo(new[] { "bounding", "effective", "permitted" }));
        Assert.That(Strings(caps["effective"]), Is.EqualTo(CapabilityRules.Default));
    }

    [Test]
    public void Build_CapAddCapDrop_AppliedToAllThreeSets()
    {
        var spec = Build(hostConfig: new JsonObject { ["CapAdd"] = Json("SYS_ADMIN"), ["CapDrop"] = Json("CAP_MKNOD") });

        foreach (var set in new[] { "bounding", "effective", "permitted" })
            Assert.That(Strings(spec["process"]!["capabilities"]![set]), Does.Contain("CAP_SYS_ADMIN").And.Not.Contain("CAP_MKNOD"));
    }

    [Test]
    public void Build_UserResolvedAgainstRootfs_SetsUidGidAndGroups()
    {
        using var rootfs = FakeRootfs.Standard();
        var config = ContainerConfig("sh");
        config["User"] = "app";

        var user = Build(config, new JsonObject { ["GroupAdd"] = Json("video") }, rootfs: rootfs.Path)["process"]!["user"]!;

        Assert.That(user["uid"]!.GetValue<uint>(), Is.EqualTo(1000));
        Assert.That(user["gid"]!.GetValue<uint>(), Is.EqualTo(1000));
        Assert.That(user["additionalGids"]!.AsArray().Select(g => g!.GetValue<uint>()), Is.EqualTo(new uint[] { 1000, 10, 29, 44 }));
    }

    [TestCase("no-new-privileges", true)]
    [TestCase("no-new-privileges:true", true)]
    [TestCase("no-new-privileges=true", true)]
    [TestCase("no-new-privileges=false", false)]
    public void Build_NoNewPrivilegesOption_SetsTheFlag(string option, bool expected)
    {
        var spec = Build(hostConfig: new JsonObject { ["SecurityOpt"] = Json(option) });

        Assert.That(spec["process"]!["noNewPrivileges"]?.GetValue<bool>() ?? false, Is.EqualTo(expected));
    }

    [TestCase("bogus", "invalid --security-opt 1: \"bogus\"")]
    [TestCase("colour=red", "invalid --security-opt 2: \"colour=red\"")]
    [TestCase("no-new-privileges=maybe", "invalid --security-opt 2: \"no-new-privileges=maybe\"")]
    public void Build_InvalidSecurityOpt_ThrowsMobysMessage(string option, string message)
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { ["SecurityOpt"] = Json(option) }))!;

        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void Build_OomScoreAdj_SetOnTheProcess()
    {
        var spec = Build(hostConfig: new JsonObject { ["OomScoreAdj"] = 500 });

        Assert.That(spec["process"]!["oomScoreAdj"]!.GetValue<long>(), Is.EqualTo(500));
    }

    [Test]
    public void Build_NoUlimits_InheritsTheDaemonsRlimits()
    {
        Assert.That(Build()["process"]!["rlimits"], Is.Null);
    }

    [Test]
    public void Build_UlimitWithinHostHardLimit_AddsRlimit()
    {
        var hostConfig = new JsonObject { ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = "nofile", ["Soft"] = 1024, ["Hard"] = 2048 }) };

        var rlimit = Build(hostConfig: hostConfig)["process"]!["rlimits"]![0]!;

        Assert.That(rlimit["type"]!.GetValue<string>(), Is.EqualTo("RLIMIT_NOFILE"));
        Assert.That(rlimit["soft"]!.GetValue<ulong>(), Is.EqualTo(1024));
        Assert.That(rlimit["hard"]!.GetValue<ulong>(), Is.EqualTo(2048));
    }

    [Test]
    public void Build_UlimitAboveHostHardLimit_ThrowsNamingLimitAndHostMaximum()
    {
        var hostConfig = new JsonObject { ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = "nofile", ["Soft"] = 1024, ["Hard"] = 1048576 }) };

        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: hostConfig))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.StartWith("ulimit nofile: hard limit 1048576 exceeds the daemon's hard limit 20000"));
        Assert.That(ex.Message, Does.Contain("CAP_SYS_RESOURCE"));
    }

    [Test]
    public void Build_UnlimitedUlimitOnLimitedHost_Throws()
    {
        var hostConfig = new JsonObject { ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = "nproc", ["Soft"] = -1, ["Hard"] = -1 }) };

        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: hostConfig))!;

        Assert.That(ex.Message, Does.StartWith("ulimit nproc: hard limit unlimited exceeds the daemon's hard limit 96364"));
    }

    [Test]
    public void Build_UlimitAboveHostLimitWithSysResource_IsAllowed()
    {
        var host = HybridHost() with { Capabilities = CapabilityRules.Known };
        var hostConfig = new JsonObject { ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = "nofile", ["Soft"] = 1024, ["Hard"] = 1048576 }) };

        Assert.That(Build(hostConfig: hostConfig, host: host)["process"]!["rlimits"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [TestCase("bogus", 1, 2, "invalid ulimit type: bogus")]
    [TestCase("core", 5, 2, "ulimit soft limit must be less than or equal to hard limit: 5 > 2")]
    public void Build_BadUlimit_ThrowsGoUnitsMessage(string name, long soft, long hard, string message)
    {
        var hostConfig = new JsonObject { ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = name, ["Soft"] = soft, ["Hard"] = hard }) };

        Assert.That(Assert.Throws<BerthException>(() => Build(hostConfig: hostConfig))!.Message, Is.EqualTo(message));
    }

    [Test]
    public void Build_Init_PrependsDockerInitAndBindMountsIt()
    {
        var spec = Build(ContainerConfig("sleep", "1"), new JsonObject { ["Init"] = true });

        Assert.That(Strings(spec["process"]!["args"]), Is.EqualTo(new[] { "/sbin/docker-init", "--", "sleep", "1" }));
        var mount = Mount(spec, "/sbin/docker-init")!;
        Assert.That(mount["source"]!.GetValue<string>(), Is.EqualTo("/usr/bin/docker-init"));
        Assert.That(Strings(mount["options"]), Is.EqualTo(new[] { "bind", "ro" }));
    }

    [Test]
    public void Build_InitWithHostPidNamespace_RunsWithoutInit()
    {
        var spec = Build(ContainerConfig("sleep", "1"), new JsonObject { ["Init"] = true, ["PidMode"] = "host" });

        Assert.That(Strings(spec["process"]!["args"]), Is.EqualTo(new[] { "sleep", "1" }));
        Assert.That(Mount(spec, "/sbin/docker-init"), Is.Null);
    }

    [Test]
    public void Build_InitWithoutInitBinary_ThrowsNotSupported()
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { ["Init"] = true }, host: HybridHost() with { InitPath = null }))!;

        Assert.That(ex.Message, Is.EqualTo("--init is not supported: no init binary (docker-init or tini) found on this host"));
    }

    [Test]
    public void Build_TtyWithConsoleSize_SetsConsoleSize()
    {
        var config = ContainerConfig("sh");
        config["Tty"] = true;

        var size = Build(config, new JsonObject { ["ConsoleSize"] = new JsonArray(24, 80) })["process"]!["consoleSize"]!;

        Assert.That((size["height"]!.GetValue<long>(), size["width"]!.GetValue<long>()), Is.EqualTo((24L, 80L)));
    }

    [Test]
    public void Build_AppArmorAndLabelOptions_AcceptedWithWarnings()
    {
        var result = OciSpecBuilder.Build(Inputs(hostConfig: new JsonObject { ["SecurityOpt"] = Json("apparmor=docker-default", "label=type:svirt_t") }), HybridHost());

        Assert.That(result.Warnings, Has.Count.EqualTo(2));
        Assert.That(result.Warnings[0], Does.Contain("apparmor=docker-default"));
        Assert.That(result.Spec["process"]!["apparmorProfile"], Is.Null);
    }

    [Test]
    public void Build_Annotations_CopiedToTheSpec()
    {
        var spec = Build(hostConfig: new JsonObject { ["Annotations"] = new JsonObject { ["com.example.a"] = "1" } });

        Assert.That(spec["annotations"]!["com.example.a"]!.GetValue<string>(), Is.EqualTo("1"));
    }
}
