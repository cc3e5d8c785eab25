using System.Text.Json.Nodes;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class OciSpecBuilderNamespaceTests
{
    [Test]
    public void Build_DefaultModesOnHybridHost_NewMountNetworkUtsPidIpcAndNoCgroup()
    {
        Assert.That(NamespaceTypes(Build()), Is.EqualTo(new[] { "mount", "network", "uts", "pid", "ipc" }));
    }

    [Test]
    public void Build_DefaultModesOnUnifiedHost_AddsCgroupNamespace()
    {
        Assert.That(NamespaceTypes(Build(host: UnifiedHost())), Does.Contain("cgroup"));
    }

    [TestCase("private", false, true)]
    [TestCase("host", true, false)]
    public void Build_CgroupnsMode_DecidesTheCgroupNamespace(string mode, bool unified, bool expected)
    {
        var spec = Build(hostConfig: new JsonObject { ["CgroupnsMode"] = mode }, host: unified ? UnifiedHost() : HybridHost());

        Assert.That(NamespaceTypes(spec).Contains("cgroup"), Is.EqualTo(expected));
    }

    [Test]
    public void Build_InvalidCgroupnsMode_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { ["CgroupnsMode"] = "shared" }))!;

        Assert.That(ex.Message, Is.EqualTo("invalid cgroup namespace mode: shared"));
    }

    [Test]
    public void Build_NetworkHost_OmitsNetworkNamespace()
    {
        var spec = Build(hostConfig: new JsonObject { ["NetworkMode"] = "host" });

        Assert.That(NamespaceTypes(spec), Does.Not.Contain("network"));
    }

    [Test]
    public void Build_NetworkHostWithoutHostname_UsesTheHostsName()
    {
        var spec = Build(new JsonObject { ["Cmd"] = Json("sh") }, new JsonObject { ["NetworkMode"] = "host" });

        Assert.That(spec["hostname"]!.GetValue<string>(), Is.EqualTo(Environment.MachineName));
    }

    [Test]
    public void Build_NetworkNone_StillGetsItsOwnNamespace()
    {
        Assert.That(NamespaceTypes(Build(hostConfig: new JsonObject { ["NetworkMode"] = "none" })), Does.Contain("network"));
    }

    [Test]
    public void Build_NetworkContainerMode_JoinsTheResolvedPath()
    {
        var spec = Build(hostConfig: new JsonObject { ["NetworkMode"] = "container:abc" },
            namespacePaths: new Dictionary<string, string> { ["network"] = "/proc/42/ns/net" });

        var network = spec["linux"]!["namespaces"]!.AsArray().Single(n => n!["type"]!.GetValue<string>() == "network")!;
        Assert.That(network["path"]!.GetValue<string>(), Is.EqualTo("/proc/42/ns/net"));
    }

    [Test]
    public void Build_NetworkContainerModeUnresolved_ThrowsInvalid()
    {
        Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { ["NetworkMode"] = "container:abc" }));
    }

    [Test]
    public void Build_IpcHost_OmitsIpcNamespace()
    {
        Assert.That(NamespaceTypes(Build(hostConfig: new JsonObject { ["IpcMode"] = "host" })), Does.Not.Contain("ipc"));
    }

    [Test]
    public void Build_IpcAndPidContainerModes_JoinTheResolvedPaths()
    {
        var spec = Build(hostConfig: new JsonObject { ["IpcMode"] = "container:a", ["PidMode"] = "container:b" },
            namespacePaths: new Dictionary<string, string> { ["ipc"] = "/proc/7/ns/ipc", ["pid"] = "/proc/8/ns/pid" });

        var paths = spec["linux"]!["namespaces"]!.AsArray().Where(n => n!["path"] is not null)
            .ToDictionary(n => n!["type"]!.GetValue<string>(), n => n!["path"]!.GetValue<string>());
        Assert.That(paths, Is.EquivalentTo(new Dictionary<string, string> { ["ipc"] = "/proc/7/ns/ipc", ["pid"] = "/proc/8/ns/pid" }));
    }

    [TestCase("IpcMode", "bogus", "invalid IPC mode: bogus")]
    [TestCase("PidMode", "bogus", "invalid PID mode: bogus")]
    [TestCase("PidMode", "container:", "invalid PID mode: container:")]
    [TestCase("UTSMode", "bogus", "invalid UTS mode: bogus")]
    public void Build_InvalidMode_ThrowsMobysMessage(string key, string mode, string message)
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { [key] = mode }))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void Build_PidHost_OmitsPidNamespace()
    {
        Assert.That(NamespaceTypes(Build(hostConfig: new JsonObject { ["PidMode"] = "host" })), Does.Not.Contain("pid"));
    }

    [Test]
    public void Build_UtsHost_OmitsUtsNamespaceAndHostname()
    {
        var spec = Build(hostConfig: new JsonObject { ["UTSMode"] = "host" });

        Assert.That(NamespaceTypes(spec), Does.Not.Contain("uts"));
        Assert.That(spec["hostname"], Is.Null);
    }

    [Test]
    public void Build_PrivateUserNamespace_ThrowsNotSupported()
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { ["UsernsMode"] = "private" }))!;

        Assert.That(ex.Message, Does.StartWith("invalid USER mode: private"));
    }

    [Test]
    public void Build_UsernsHost_IsAccepted()
    {
        Assert.That(NamespaceTypes(Build(hostConfig: new JsonObject { ["UsernsMode"] = "host" })), Does.Not.Contain("user"));
    }
}
