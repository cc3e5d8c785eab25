using Berth.Sdk.Protocol;

namespace Berth.Sdk.Tests.Protocol;

public class ProtocolIdTests
{
    [TestCase("logdriver/1", "logdriver", 1, 0)]
    [TestCase("logdriver/1.0", "logdriver", 1, 0)]
    [TestCase("graphdriver/2.7", "graphdriver", 2, 7)]
    [TestCase("berth.networkdriver/1.3", "networkdriver", 1, 3)]
    [TestCase("berth.ipam/0", "ipam", 0, 0)]
    public void TryParse_ValidText_ReturnsKindMajorMinor(string text, string kind, int major, int minor)
    {
        Assert.That(ProtocolId.TryParse(text, out var id), Is.True);
        Assert.That(id, Is.EqualTo(new ProtocolId(kind, major, minor)));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("logdriver")]
    [TestCase("/1.0")]
    [TestCase("logdriver/")]
    [TestCase("logdriver/x")]
    [TestCase("logdriver/1.x")]
    [TestCase("logdriver/1.2.3")]
    [TestCase("logdriver/-1")]
    [TestCase("logdriver/1.-2")]
    [TestCase("docker.logdriver/1.0")]
    [TestCase("berth./1.0")]
    public void TryParse_InvalidText_ReturnsFalse(string? text)
    {
        Assert.That(ProtocolId.TryParse(text, out _), Is.False);
    }

    [Test]
    public void ToString_KindAndVersion_UsesSlashAndDot()
    {
        var id = new ProtocolId("snapshotter", 1, 4);

        Assert.That(id.ToString(), Is.EqualTo("snapshotter/1.4"));
        Assert.That(id.ToInterfaceType(), Is.EqualTo("berth.snapshotter/1.4"));
    }

    [Test]
    public void TryParse_EveryKnownProtocolInBothForms_RoundTrips()
    {
        foreach (var contract in Protocols.All)
        {
            Assert.That(ProtocolId.TryParse(contract.Protocol.ToString(), out var plain), Is.True, contract.Protocol.ToString());
            Assert.That(ProtocolId.TryParse(contract.Protocol.ToInterfaceType(), out var iface), Is.True, contract.Protocol.ToInterfaceType());
            Assert.That(plain, Is.EqualTo(contract.Protocol));
            Assert.That(iface, Is.EqualTo(contract.Protocol));
        }
    }
}
