using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class CapabilityRulesTests
{
    private static readonly HostSupport Host = SpecFixtures.HybridHost();

    [Test]
    public void Tweak_NoAddsOrDrops_ReturnsDockerDefaults()
    {
        var caps = CapabilityRules.Tweak([], [], privileged: false, Host);

        Assert.That(caps, Is.EqualTo(new[]
        {
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
            "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
        }));
    }

    [Test]
    public void Tweak_AddWithoutPrefixLowerCase_AddsNormalizedCapability()
    {
        var caps = CapabilityRules.Tweak(["net_admin"], [], privileged: false, Host);

        Assert.That(caps, Does.Contain("CAP_NET_ADMIN"));
        Assert.That(caps, Has.Count.EqualTo(CapabilityRules.Default.Count + 1));
    }

    [Test]
    public void Tweak_DropWithAndWithoutPrefix_RemovesBoth()
    {
        var caps = CapabilityRules.Tweak([], ["CAP_CHOWN", "net_raw"], privileged: false, Host);

        Assert.That(caps, Does.Not.Contain("CAP_CHOWN").And.Not.Contain("CAP_NET_RAW"));
        Assert.That(caps, Has.Count.EqualTo(CapabilityRules.Default.Count - 2));
    }

    [Test]
    public void Tweak_DropAllAddOne_ReturnsOnlyTheAddedOne()
    {
        Assert.That(CapabilityRules.Tweak(["KILL"], ["ALL"], privileged: false, Host), Is.EqualTo(new[] { "CAP_KILL" }));
    }

    [Test]
    public void Tweak_AddAllDropOne_ReturnsEverythingTheDaemonHoldsButThat()
    {
        var caps = CapabilityRules.Tweak(["all"], ["SYS_ADMIN"], privileged: false, Host);

        Assert.That(caps, Does.Contain("CAP_NET_ADMIN").And.Not.Contain("CAP_SYS_ADMIN"));
        Assert.That(caps, Does.Not.Contain("CAP_SYS_RESOURCE"));
        Assert.That(caps, Has.Count.EqualTo(Host.Capabilities.Count - 1));
    }

    [Test]
    public void Tweak_Privileged_ReturnsTheDaemonsCapabilities()
    {
        var caps = CapabilityRules.Tweak(["NET_ADMIN"], ["CHOWN"], privileged: true, Host);

        Assert.That(caps, Is.EqualTo(Host.Capabilities));
    }

    [Test]
    public void Tweak_UnknownCapability_ThrowsInvalidWithDockerMessage()
    {
        var ex = Assert.Throws<BerthException>(() => CapabilityRules.Tweak(["foo"], [], privileged: false, Host))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("unknown capability: \"CAP_FOO\""));
    }

    [Test]
    public void Tweak_CapabilityTheDaemonLacks_ThrowsNotAvailable()
    {
        var ex = Assert.Throws<BerthException>(() => CapabilityRules.Tweak(["SYS_RESOURCE"], [], privileged: false, Host))!;

        Assert.That(ex.Message, Is.EqualTo("capability not supported by your kernel or not available in the current environment: \"CAP_SYS_RESOURCE\""));
    }

    [Test]
    public void FromBitmap_DockerDefaultCapEff_ReturnsTheDefaultSet()
    {
        Assert.That(CapabilityRules.FromBitmap(0xa80425fb), Is.EquivalentTo(CapabilityRules.Default));
    }

    [Test]
    public void AllAvailable_UnknownDaemonCapabilities_FallsBackToCapLastCap()
    {
        var host = Host with { Capabilities = [], CapLastCap = 37 };

        Assert.That(CapabilityRules.AllAvailable(host), Has.Count.EqualTo(38).And.Contains("CAP_AUDIT_READ").And.Not.Contains("CAP_PERFMON"));
    }
}
