using Berth.Kernel.Config;

namespace Berth.Kernel.Tests.Config;

public class HostAddressTests
{
    [TestCase("unix:///run/berth/berth.sock", "unix", "/run/berth/berth.sock", 0)]
    [TestCase("fd://", "fd", "", 0)]
    [TestCase("fd://berth.socket", "fd", "berth.socket", 0)]
    [TestCase("tcp://127.0.0.1:2375", "tcp", "127.0.0.1", 2375)]
    [TestCase("tcp://0.0.0.0", "tcp", "0.0.0.0", 2376)]
    [TestCase("tcp://:2376", "tcp", "0.0.0.0", 2376)]
    [TestCase("tcp://[::1]:2375", "tcp", "::1", 2375)]
    [TestCase("tcp://localhost:8080", "tcp", "localhost", 8080)]
    [TestCase("192.168.1.10:2376", "tcp", "192.168.1.10", 2376)]
    public void Parse_ValidAddress_ReturnsSchemeAddressPort(string text, string scheme, string address, int port)
    {
        Assert.That(HostAddress.Parse(text), Is.EqualTo(new HostAddress(scheme, address, port)));
    }

    [TestCase("unix://", "absolute path")]
    [TestCase("unix://run/berth.sock", "absolute path")]
    [TestCase("tcp://127.0.0.1:0", "bad port")]
    [TestCase("tcp://127.0.0.1:65536", "bad port")]
    [TestCase("tcp://127.0.0.1:http", "bad port")]
    [TestCase("tcp://docker.example.com:2376", "is not an IP address")]
    [TestCase("http://127.0.0.1:2375", "only unix://, tcp:// and fd:// are supported")]
    public void Parse_InvalidAddress_ThrowsNamingHostsAndTheProblem(string text, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => HostAddress.Parse(text))!;

        Assert.That(ex.Message, Does.StartWith($"invalid value for \"hosts\": {text}").And.Contain(problem));
    }

    [TestCase("tcp://127.0.0.1:2375", true)]
    [TestCase("tcp://127.1.2.3:2375", true)]
    [TestCase("tcp://[::1]:2375", true)]
    [TestCase("tcp://localhost:2375", true)]
    [TestCase("tcp://0.0.0.0:2375", false)]
    [TestCase("tcp://10.0.0.1:2375", false)]
    [TestCase("unix:///run/berth.sock", false)]
    public void IsLoopback_Address_IsTrueOnlyForLoopbackTcp(string text, bool loopback)
    {
        Assert.That(HostAddress.Parse(text).IsLoopback, Is.EqualTo(loopback));
    }

    [TestCase("unix:///run/berth/berth.sock")]
    [TestCase("tcp://127.0.0.1:2375")]
    [TestCase("fd://berth.socket")]
    public void ToString_ParsedAddress_RoundTrips(string text)
    {
        Assert.That(HostAddress.Parse(text).ToString(), Is.EqualTo(text));
    }
}
