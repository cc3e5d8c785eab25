using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

public class NetworkOptionsTests
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void Parse_NoDriverOptions_MobyDefaults()
    {
        var network = NetworkOptions.Parse(Request(new Dictionary<string, string>()));

        Assert.That(network, Is.EqualTo(new BridgeNetwork(Id, "br-0123456789ab", "172.18.0.0/16", "172.18.0.1/16", null, null, 1500,
            EnableIcc: true, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: false, HostBindingIPv4: null,
            ContainerInterfacePrefix: "eth", CreatedBridge: false)));
    }

    [Test]
    public void Parse_DefaultBridgeOptions_AllRead()
    {
        var network = NetworkOptions.Parse(Request(new Dictionary<string, string>
        {
            ["com.docker.network.bridge.default_bridge"] = "true",
            ["com.docker.network.bridge.enable_icc"] = "false",
            ["com.docker.network.bridge.enable_ip_masquerade"] = "false",
            ["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0",
            ["com.docker.network.bridge.name"] = "berth0",
            ["com.docker.network.driver.mtu"] = "1400",
            ["com.docker.network.container_iface_prefix"] = "net",
            ["com.example.unknown"] = "accepted",
        }));

        Assert.That((network.BridgeName, network.Mtu, network.EnableIcc, network.EnableMasquerade, network.DefaultBridge, network.HostBindingIPv4, network.ContainerInterfacePrefix),
            Is.EqualTo(("berth0", 1400, false, false, true, "0.0.0.0", "net")));
    }

    [Test]
    public void Parse_InternalAndIPv6_TopLevelFlagsAndIPv6Pool()
    {
        var request = Request(new Dictionary<string, string>(), isInternal: true, ipv6: true) with
        {
            IPv6Data = [new IpamData("LocalDefault", "fd00:1::/64", "fd00:1::1/64", null)],
        };

        var network = NetworkOptions.Parse(request);

        Assert.That((network.Internal, network.EnableIPv6, network.SubnetIPv6, network.GatewayIPv6, network.GatewayAddressIPv6),
            Is.EqualTo((true, true, "fd00:1::/64", "fd00:1::1/64", "fd00:1::1")));
    }

    [Test]
    public void Parse_GatewayWithoutPrefix_TakesThePoolsPrefix()
    {
        var request = Request(new Dictionary<string, string>()) with { IPv4Data = [new IpamData("LocalDefault", "10.1.0.0/16", "10.1.0.1", null)] };

        Assert.That(NetworkOptions.Parse(request).Gateway, Is.EqualTo("10.1.0.1/16"));
    }

    [Test]
    public void Parse_NoGateway_NetworkWithoutGateway()
    {
        var request = Request(new Dictionary<string, string>()) with { IPv4Data = [new IpamData("LocalDefault", "10.1.0.0/16", null, null)] };

        var network = NetworkOptions.Parse(request);

        Assert.That((network.Subnet, network.Gateway, network.GatewayAddress), Is.EqualTo(("10.1.0.0/16", (string?)null, (string?)null)));
    }

    [TestCase("com.docker.network.driver.mtu", "abc")]
    [TestCase("com.docker.network.driver.mtu", "67")]
    [TestCase("com.docker.network.driver.mtu", "70000")]
    [TestCase("com.docker.network.bridge.enable_icc", "maybe")]
    [TestCase("com.docker.network.bridge.enable_ip_masquerade", "yes")]
    [TestCase("com.docker.network.bridge.name", "a-name-far-too-long")]
    [TestCase("com.docker.network.bridge.name", "br/0")]
    public void Parse_BadOption_InvalidParameter(string name, string value)
    {
        var ex = Assert.Throws<BerthException>(() => NetworkOptions.Parse(Request(new Dictionary<string, string> { [name] = value })));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public void Parse_TwoIPv4Pools_InvalidParameter()
    {
        var request = Request(new Dictionary<string, string>()) with
        {
            IPv4Data = [new IpamData("LocalDefault", "10.1.0.0/16", null, null), new IpamData("LocalDefault", "10.2.0.0/16", null, null)],
        };

        var ex = Assert.Throws<BerthException>(() => NetworkOptions.Parse(request));

        Assert.That((ex!.Kind, ex.Message), Is.EqualTo((BerthErrorKind.InvalidParameter, "bridge driver doesn't support multiple IPv4 subnets")));
    }

    [Test]
    public void Parse_GenericOptionsMissing_Defaults()
    {
        var request = new CreateNetworkRequest(Id, new Dictionary<string, JsonElement>(), [new IpamData("LocalDefault", "10.1.0.0/16", "10.1.0.1/16", null)], []);

        Assert.That(NetworkOptions.Parse(request).BridgeName, Is.EqualTo("br-0123456789ab"));
    }

    [TestCase("1", true)]
    [TestCase("True", true)]
    [TestCase("f", false)]
    [TestCase("FALSE", false)]
    [TestCase("no", null)]
    public void ParseBool_GoSpellings_AsStrconv(string text, bool? expected) =>
        Assert.That(NetworkOptions.ParseBool(text), Is.EqualTo(expected));

    private static CreateNetworkRequest Request(Dictionary<string, string> generic, bool isInternal = false, bool ipv6 = false) =>
        new(Id,
            new Dictionary<string, JsonElement>
            {
                ["com.docker.network.generic"] = JsonSerializer.SerializeToElement(generic),
                ["com.docker.network.enable_ipv6"] = JsonSerializer.SerializeToElement(ipv6),
                ["com.docker.network.internal"] = JsonSerializer.SerializeToElement(isInternal),
            },
            [new IpamData("LocalDefault", "172.18.0.0/16", "172.18.0.1/16", null)],
            []);
}
