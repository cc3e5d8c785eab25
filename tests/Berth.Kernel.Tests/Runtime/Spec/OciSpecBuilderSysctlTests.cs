using System.Text.Json.Nodes;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class OciSpecBuilderSysctlTests
{
    private static JsonObject? Sysctl(JsonObject? config = null, JsonObject? hostConfig = null) => Build(config, hostConfig)["linux"]!["sysctl"] as JsonObject;

    [Test]
    public void Build_PrivateNetwork_AddsMobysDefaultSysctls()
    {
        var sysctl = Sysctl()!;

        Assert.That(sysctl["net.ipv4.ping_group_range"]!.GetValue<string>(), Is.EqualTo("0 2147483647"));
        Assert.That(sysctl["net.ipv4.ip_unprivileged_port_start"]!.GetValue<string>(), Is.EqualTo("0"));
    }

    [Test]
    public void Build_HostNetwork_NoDefaultSysctls()
    {
        Assert.That(Sysctl(hostConfig: new JsonObject { ["NetworkMode"] = "host" }), Is.Null);
    }

    [Test]
    public void Build_UserSysctls_OverrideDefaultsAndAreAdded()
    {
        var sysctl = Sysctl(hostConfig: new JsonObject
        {
            ["Sysctls"] = new JsonObject { ["net.ipv4.ip_unprivileged_port_start"] = "1024", ["kernel.shmmax"] = "100000", ["fs.mqueue.msg_max"] = "20" },
        })!;

        Assert.That(sysctl["net.ipv4.ip_unprivileged_port_start"]!.GetValue<string>(), Is.EqualTo("1024"));
        Assert.That(sysctl["kernel.shmmax"]!.GetValue<string>(), Is.EqualTo("100000"));
        Assert.That(sysctl["fs.mqueue.msg_max"]!.GetValue<string>(), Is.EqualTo("20"));
    }

    [Test]
    public void Build_NetSysctlWithHostNetwork_ThrowsRuncsMessage()
    {
        var ex = Assert.Throws<BerthException>(() => Sysctl(hostConfig: new JsonObject
        {
            ["NetworkMode"] = "host", ["Sysctls"] = new JsonObject { ["net.ipv4.ip_forward"] = "1" },
        }))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace"));
    }

    [Test]
    public void Build_IpcSysctlWithHostIpc_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => Sysctl(hostConfig: new JsonObject
        {
            ["IpcMode"] = "host", ["Sysctls"] = new JsonObject { ["kernel.msgmax"] = "1" },
        }))!;

        Assert.That(ex.Message, Is.EqualTo("sysctl \"kernel.msgmax\" is not allowed in the hosts ipc namespace"));
    }

    [TestCase("vm.swappiness", "sysctl \"vm.swappiness\" is not in a separate kernel namespace")]
    [TestCase("kernel.hostname", "sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field")]
    public void Build_NonNamespacedSysctl_Throws(string name, string message)
    {
        var ex = Assert.Throws<BerthException>(() => Sysctl(hostConfig: new JsonObject { ["Sysctls"] = new JsonObject { [name] = "1" } }))!;

        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void Build_SlashSeparatedSysctl_CheckedInDotForm()
    {
        var ex = Assert.Throws<BerthException>(() => Sysctl(hostConfig: new JsonObject
        {
            ["NetworkMode"] = "host", ["Sysctls"] = new JsonObject { ["net/ipv4/ip_forward"] = "1" },
        }))!;

        Assert.That(ex.Message, Does.Contain("\"net.ipv4.ip_forward\""));
    }

    [Test]
    public void Build_Domainname_BecomesKernelDomainnameSysctl()
    {
        var config = ContainerConfig("sh");
        config["Domainname"] = "example.org";

        Assert.That(Sysctl(config)!["kernel.domainname"]!.GetValue<string>(), Is.EqualTo("example.org"));
    }
}
