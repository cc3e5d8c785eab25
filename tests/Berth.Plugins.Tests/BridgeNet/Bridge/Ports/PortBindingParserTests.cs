using System.Net;
using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Ports;

public class PortBindingParserTests
{
    [Test]
    public void Parse_DaemonsBindings_OneRequestEach()
    {
        var requests = PortBindingParser.Parse(Options(
            new PortBinding(6, "", 80, "", 8080, 0),
            new PortBinding(17, "10.0.0.2", 53, "127.0.0.1", 5353, 5353),
            new PortBinding(132, "", 9, "0.0.0.0", 9000, 9010),
            new PortBinding(6, "", 443, "", 0, 0)));

        Assert.That(requests, Is.EqualTo(new[]
        {
            new PortRequest(PortProtocol.Tcp, null, 8080, 8080, 80),
            new PortRequest(PortProtocol.Udp, IPAddress.Loopback, 5353, 5353, 53),
            new PortRequest(PortProtocol.Sctp, IPAddress.Any, 9000, 9010, 9),
            new PortRequest(PortProtocol.Tcp, null, 0, 0, 443),
        }));
        Assert.That(requests[2].IsRange, Is.True);
    }

    [Test]
    public void Parse_FieldNamesInAnyCaseAndMissingOnes_Read()
    {
        var options = new Dictionary<string, JsonElement>
        {
            [EndpointOptions.PortMap] = JsonDocument.Parse("""[{"proto":6,"port":80,"hostPort":8080}]""").RootElement.Clone(),
        };

        Assert.That(PortBindingParser.Parse(options), Is.EqualTo(new[] { new PortRequest(PortProtocol.Tcp, null, 8080, 8080, 80) }));
    }

    [Test]
    public void Parse_SameBindingTwice_Once()
    {
        var binding = new PortBinding(6, "", 80, "", 8080, 0);

        Assert.That(PortBindingParser.Parse(Options(binding, binding)), Has.Count.EqualTo(1));
    }

    [TestCase(null)]
    [TestCase("null")]
    [TestCase("[]")]
    public void Parse_NoPortMap_Empty(string? portMap)
    {
        var options = new Dictionary<string, JsonElement>
        {
            [EndpointOptions.ExposedPorts] = JsonSerializer.SerializeToElement(new[] { new ExposedPort(6, 80) }),
        };
        if (portMap is not null) options[EndpointOptions.PortMap] = JsonDocument.Parse(portMap).RootElement.Clone();

        Assert.That(PortBindingParser.Parse(options), Is.Empty);
    }

    [TestCase(1, 80, 8080, 0, "unsupported protocol 1")]
    [TestCase(6, 0, 8080, 0, "invalid container port 0")]
    [TestCase(6, 65536, 8080, 0, "invalid container port 65536")]
    [TestCase(6, 80, -1, 0, "invalid host port -1")]
    [TestCase(6, 80, 70000, 0, "invalid host port 70000")]
    [TestCase(6, 80, 8080, 8000, "invalid host port range 8080-8000")]
    [TestCase(6, 80, 0, 8000, "invalid host port range 0-8000")]
    public void Parse_BadBinding_InvalidParameter(int proto, int port, int hostPort, int hostPortEnd, string message)
    {
        var ex = Assert.Throws<BerthException>(() => PortBindingParser.Parse(Options(new PortBinding(proto, "", port, "", hostPort, hostPortEnd))));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain(message));
    }

    [TestCase("""{"Proto":6}""")]
    [TestCase("""[{"Proto":"tcp","Port":80}]""")]
    [TestCase("""[{"Proto":6,"Port":80,"HostIP":"localhost"}]""")]
    [TestCase("""[{"Proto":6,"Port":80,"HostIP":7}]""")]
    [TestCase("""[6]""")]
    public void Parse_MalformedPortMap_InvalidParameter(string portMap)
    {
        var options = new Dictionary<string, JsonElement> { [EndpointOptions.PortMap] = JsonDocument.Parse(portMap).RootElement.Clone() };

        var ex = Assert.Throws<BerthException>(() => PortBindingParser.Parse(options));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    private static Dictionary<string, JsonElement> Options(params PortBinding[] bindings) =>
        new() { [EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(bindings) };
}
