using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class ExecProcessTests
{
    private FakeRootfs rootfs = null!;
    private JsonObject containerProcess = null!;

    [SetUp]
    public void SetUp()
    {
        rootfs = FakeRootfs.Standard();
        var config = ContainerConfig("sleep", "infinity");
        config["User"] = "daemon";
        config["WorkingDir"] = "/srv";
        config["Env"] = Json("FOO=1");
        var hostConfig = new JsonObject
        {
            ["SecurityOpt"] = Json("no-new-privileges"),
            ["OomScoreAdj"] = 100,
            ["Ulimits"] = new JsonArray(new JsonObject { ["Name"] = "nofile", ["Soft"] = 100, ["Hard"] = 200 }),
        };
        containerProcess = Build(config, hostConfig, rootfs: rootfs.Path)["process"]!.AsObject();
    }

    [TearDown]
    public void TearDown() => rootfs.Dispose();

    private JsonObject Exec(ExecRequest request) => OciSpecBuilder.BuildExecProcess(containerProcess, request, rootfs.Path, HybridHost());

    private static ExecRequest Request(params string[] cmd) => new(cmd, [], "", "", false, false);

    [Test]
    public void BuildExecProcess_NoCommand_ThrowsNoExecCommandSpecified()
    {
        var ex = Assert.Throws<BerthException>(() => Exec(Request()))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("No exec command specified"));
    }

    [Test]
    public void BuildExecProcess_Defaults_KeepsTheContainersUserCwdCapsAndLimits()
    {
        var process = Exec(Request("ps", "aux"));

        Assert.That(Strings(process["args"]), Is.EqualTo(new[] { "ps", "aux" }));
        Assert.That(process["user"]!.ToJsonString(), Is.EqualTo(containerProcess["user"]!.ToJsonString()));
        Assert.That(process["cwd"]!.GetValue<string>(), Is.EqualTo("/srv"));
        Assert.That(process["capabilities"]!.ToJsonString(), Is.EqualTo(containerProcess["capabilities"]!.ToJsonString()));
        Assert.That(process["rlimits"]!.ToJsonString(), Is.EqualTo(containerProcess["rlimits"]!.ToJsonString()));
        Assert.That(process["noNewPrivileges"]!.GetValue<bool>(), Is.True);
        Assert.That(process["terminal"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public void BuildExecProcess_Env_ContainerEnvThenExecOverridesAndAdditions()
    {
        var process = Exec(Request("env") with { Env = ["FOO=2", "BAR=3"] });

        Assert.That(Strings(process["env"]), Is.EqualTo(new[]
        {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=c0ffee", "FOO=2", "BAR=3",
        }));
    }

    [Test]
    public void BuildExecProcess_Tty_AddsTermXtermAfterHostname()
    {
        var process = Exec(Request("sh") with { Tty = true });

        Assert.That(process["terminal"]!.GetValue<bool>(), Is.True);
        Assert.That(Strings(process["env"])[2], Is.EqualTo("TERM=xterm"));
    }

    [Test]
    public void BuildExecProcess_NoTtyInTtyContainer_DropsTermAndConsoleSize()
    {
        var config = ContainerConfig("sh");
        config["Tty"] = true;
        var ttyProcess = Build(config, new JsonObject { ["ConsoleSize"] = new JsonArray(24, 80) }, rootfs: rootfs.Path)["process"]!.AsObject();

        var process = OciSpecBuilder.BuildExecProcess(ttyProcess, Request("ls"), rootfs.Path, HybridHost());

        Assert.That(Strings(process["env"]), Does.Not.Contain("TERM=xterm"));
        Assert.That(process["consoleSize"], Is.Null);
    }

    [Test]
    public void BuildExecProcess_ExecUser_ResolvedAgainstTheRootfsWithGroupAdd()
    {
        var process = Exec(Request("id") with { User = "app", GroupAdd = ["video"] });

        Assert.That(process["user"]!.ToJsonString(), Is.EqualTo("""{"uid":1000,"gid":1000,"additionalGids":[1000,10,29,44]}"""));
    }

    [Test]
    public void BuildExecProcess_UnknownExecUser_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => Exec(Request("id") with { User = "ghost" }))!;

        Assert.That(ex.Message, Is.EqualTo("unable to find user ghost: no matching entries in passwd file"));
    }

    [Test]
    public void BuildExecProcess_WorkingDir_OverridesTheContainers()
    {
        Assert.That(Exec(Request("pwd") with { WorkingDir = "/tmp" })["cwd"]!.GetValue<string>(), Is.EqualTo("/tmp"));
    }

    [Test]
    public void BuildExecProcess_Privileged_GetsEveryCapabilityTheDaemonHolds()
    {
        var process = Exec(Request("sh") with { Privileged = true });

        Assert.That(Strings(process["capabilities"]!["effective"]), Is.EqualTo(HybridHost().Capabilities));
    }

    [Test]
    public void BuildExecProcess_DoesNotChangeTheContainersProcess()
    {
        var before = containerProcess.ToJsonString();

        Exec(Request("sh") with { Env = ["X=1"], User = "app", Privileged = true, Tty = true });

        Assert.That(containerProcess.ToJsonString(), Is.EqualTo(before));
    }
}
