using System.Net;
using Berth.Plugins.BridgeNet.Ipam;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class HostRoutesTests
{
    private const string Table =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
        "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
        "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
        "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

    [Test]
    public void Parse_ProcNetRoute_ReturnsDestinationsWithoutTheDefaultRoute()
    {
        var routes = HostRoutes.Parse(Table);

        Assert.That(routes, Is.EqualTo(new[] { (IPAddress.Parse("192.0.2.0"), 24), (IPAddress.Parse("172.17.0.0"), 16) }));
    }

    [Test]
    public void Read_MissingFile_ReturnsNoRoutes()
    {
        Assert.That(HostRoutes.Read(Path.Combine(Path.GetTempPath(), "berth-no-such-route-table")), Is.Empty);
    }

    [Test]
    public void Read_ThisHost_HasNoDefaultRoute()
    {
        Assert.That(HostRoutes.Read().Select(r => r.Prefix), Has.All.GreaterThan(0));
    }
}
