using System.Net;
using Berth.Plugins.BridgeNet.Dns;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

public class DnsServerAddressTests
{
    [TestCase("10.0.0.2", "10.0.0.2:53")]
    [TestCase("127.0.0.53", "127.0.0.53:53")]
    [TestCase("127.0.0.1:5353", "127.0.0.1:5353")]
    [TestCase("2001:db8::1", "[2001:db8::1]:53")]
    [TestCase("[2001:db8::1]", "[2001:db8::1]:53")]
    [TestCase("[2001:db8::1]:5353", "[2001:db8::1]:5353")]
    [TestCase(" 8.8.8.8 ", "8.8.8.8:53")]
    public void TryParseServer_Address_EndPoint(string text, string expected)
    {
        Assert.That(DnsForwarder.TryParseServer(text, out var server), Is.True);

        Assert.That(server, Is.EqualTo(IPEndPoint.Parse(expected)));
    }

    [TestCase("")]
    [TestCase("dns.example")]
    [TestCase("10.0.0.2:0")]
    [TestCase("10.0.0.2:70000")]
    [TestCase("10.0.0.2:x")]
    [TestCase("[2001:db8::1")]
    [TestCase("[2001:db8::1]x53")]
    public void TryParseServer_NotAnAddress_False(string text) => Assert.That(DnsForwarder.TryParseServer(text, out _), Is.False);
}
