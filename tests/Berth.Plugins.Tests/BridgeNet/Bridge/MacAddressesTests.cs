using System.Net;
using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

public class MacAddressesTests
{
    [TestCase("172.17.0.2", "02:42:ac:11:00:02")]
    [TestCase("10.0.255.1", "02:42:0a:00:ff:01")]
    public void FromIPv4_Address_MobysMac(string address, string expected) =>
        Assert.That(MacAddresses.Format(MacAddresses.FromIPv4(IPAddress.Parse(address))), Is.EqualTo(expected));

    [Test]
    public void Random_Always_UnicastAndLocallyAdministered()
    {
        for (var i = 0; i < 100; i++)
        {
            var mac = MacAddresses.Random();
            Assert.That((mac.Length, mac[0] & 0x01, mac[0] & 0x02), Is.EqualTo((6, 0, 2)));
        }
    }

    [TestCase("02:42:AC:11:00:02", "02:42:ac:11:00:02")]
    [TestCase("02-42-ac-11-00-02", "02:42:ac:11:00:02")]
    public void TryParse_ColonsOrDashes_Parsed(string text, string expected)
    {
        Assert.That(MacAddresses.TryParse(text, out var mac), Is.True);
        Assert.That(MacAddresses.Format(mac), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("02:42:ac:11:00")]
    [TestCase("02:42:ac:11:00:zz")]
    [TestCase("0242ac110002")]
    public void TryParse_NotAMac_False(string text) => Assert.That(MacAddresses.TryParse(text, out _), Is.False);
}
