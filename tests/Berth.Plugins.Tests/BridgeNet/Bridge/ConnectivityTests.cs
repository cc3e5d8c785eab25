using System.Net;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk.Networking.Namespaces;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>
/// End to end: the driver makes networks and endpoints in a "host" namespace; the test plays the daemon, moving each
/// container end into a "container" namespace of its own as eth0 with its address and a default route via the
/// gateway; then ping proves the containers reach each other, and that two networks cannot (because of the isolation chain).
/// </summary>
public class ConnectivityTests : NamespaceFixture
{
    [SetUp]
    public void RequirePing()
    {
        if (Tools.PingCommand() is null) Assert.Ignore("needs ping (or busybox)");
    }

    [Test]
    public async Task Ping_TwoContainersOnOneNetwork_Answered()
    {
        var driver = NewDriver();
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network), CancellationToken.None);
        var first = await ContainerAsync(driver, network, "c1", "10.77.0.2/24");
        await ContainerAsync(driver, network, "c2", "10.77.0.3/24");

        Assert.That(await Ping.FromNamespaceAsync(first, "10.77.0.3"), Is.True, "c1 -> c2");
        Assert.That(await Ping.FromNamespaceAsync(first, "10.77.0.1"), Is.True, "c1 -> gateway");
    }

    [Test]
    public async Task Ping_ContainersOnTwoNetworks_Isolated()
    {
        var driver = NewDriver();
        var blue = NewId();
        var green = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(blue), CancellationToken.None);
        await driver.CreateNetworkAsync(NetworkRequest(green, subnet: "10.78.0.0/24", gateway: "10.78.0.1/24"), CancellationToken.None);
        var first = await ContainerAsync(driver, blue, "c1", "10.77.0.2/24");
        await ContainerAsync(driver, green, "c2", "10.78.0.2/24");

        Assert.That(await Ping.FromNamespaceAsync(first, "10.78.0.1"), Is.True, "c1 -> the other network's gateway (the host)");
        Assert.That(await Ping.FromNamespaceAsync(first, "10.78.0.2"), Is.False, "c1 -> c2 across networks");

        // The isolation chain is what stops it: without its rules the host routes between the bridges.
        Assert.That((await HostIptables.RunAsync(["-t", "filter", "-F", "BERTH-ISOLATION"], CancellationToken.None)).ExitCode, Is.Zero);
        Assert.That(await Ping.FromNamespaceAsync(first, "10.78.0.2"), Is.True, "c1 -> c2 without the isolation rules");
    }

    private async Task<string> ContainerAsync(BridgeDriver driver, string network, string name, string address) =>
        (await JoinContainerAsync(driver, network, name, address)).Sandbox;
}
