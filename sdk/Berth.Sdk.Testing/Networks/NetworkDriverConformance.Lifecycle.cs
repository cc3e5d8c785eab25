using System.Net;
using Berth.Sdk.Network;

namespace Berth.Sdk.Testing;

// Networks, endpoints and joins as berthd drives them, tear-down, replay after a restart.
public abstract partial class NetworkDriverConformance
{
    [Test]
    public async Task GetCapabilities_CalledTwice_SameLocalOrGlobalScope()
    {
        var first = await Driver.GetCapabilitiesAsync(Cancellation);
        var second = await Driver.GetCapabilitiesAsync(Cancellation);

        Assert.That(first, Is.EqualTo(second));
        Assert.That(first.Scope, Is.AnyOf("local", "global"));
        WireCheck.AssertRoundTrips(first);
    }

    [Test]
    public async Task CreateNetwork_ReplayedAsAtPluginStart_SucceedsAndServesEndpoints()
    {
        var network = await CreateNetworkAsync(1);

        await Driver.CreateNetworkAsync(NetworkRequest(1), Cancellation);
        var (endpoint, _) = await CreateEndpointAsync(network, 1, 0);
        await JoinAndMoveAsync(network, endpoint);
    }

    [Test]
    public async Task CreateEndpoint_UnknownNetwork_Refused()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => CreateEndpointAsync(NetworkRequest(2).NetworkId, 2, 0), BerthErrorKind.NotFound, BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task CreateEndpoint_AddressGiven_AnswerDoesNotContradictIt()
    {
        var network = await CreateNetworkAsync(3);

        var (_, answer) = await CreateEndpointAsync(network, 3, 0);

        Assert.That(answer?.Address, Is.Null.Or.Empty.Or.EqualTo(TestSubnet(3).Replace(".0/", ".10/", StringComparison.Ordinal)),
            "the driver may only fill what berthd left empty");
        if (answer is not null) WireCheck.AssertRoundTrips(answer);
    }

    [Test]
    public async Task Join_Endpoint_NamesAHostInterfaceBerthdCanMoveIntoTheSandbox()
    {
        var network = await CreateNetworkAsync(4);
        var (endpoint, _) = await CreateEndpointAsync(network, 4, 0);

        var join = await JoinAndMoveAsync(network, endpoint);

        Assert.That(join.InterfaceName.DstPrefix, Is.Not.Empty, "the prefix of the name inside the sandbox (eth)");
        if (!string.IsNullOrEmpty(join.Gateway))
            Assert.That(IPNetwork.Parse(TestSubnet(4)).Contains(IPAddress.Parse(join.Gateway)), $"gateway {join.Gateway} is inside the network's subnet");
        Assert.That(await HostNetwork.LinkNamesInAsync(SandboxKey[(SandboxKey.LastIndexOf('/') + 1)..], Cancellation), Has.Some.StartWith("kit"));
        WireCheck.AssertRoundTrips(join);
    }

    [Test]
    public async Task Join_UnknownEndpoint_Refused()
    {
        var network = await CreateNetworkAsync(5);

        await ConformanceAssert.ThrowsBerthAsync(
            () => Driver.JoinAsync(new JoinRequest(network, new string('e', 64), SandboxKey, new Dictionary<string, System.Text.Json.JsonElement>()), Cancellation),
            BerthErrorKind.NotFound, BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task DeleteNetwork_AfterLeaveAndDeleteEndpoint_LeavesNoInterfaceOnTheHost()
    {
        var network = await CreateNetworkAsync(6);
        var (endpoint, _) = await CreateEndpointAsync(network, 6, 0);
        await JoinAndMoveAsync(network, endpoint);
        await Driver.ProgramExternalConnectivityAsync(network, endpoint, new Dictionary<string, System.Text.Json.JsonElement>(), Cancellation);

        await Driver.RevokeExternalConnectivityAsync(network, endpoint, Cancellation);
        await Driver.LeaveAsync(network, endpoint, Cancellation);
        await Driver.DeleteEndpointAsync(network, endpoint, Cancellation);
        await DeleteNetworkAsync(network);

        Assert.That(await NewHostLinksAsync(), Is.Empty, "what the driver made on the host is gone once its network is");
    }

    [Test]
    public async Task LeaveAndDeleteEndpoint_Repeated_SucceedOrNotFound()
    {
        var network = await CreateNetworkAsync(7);
        var (endpoint, _) = await CreateEndpointAsync(network, 7, 0);
        await JoinAndMoveAsync(network, endpoint);
        await Driver.LeaveAsync(network, endpoint, Cancellation);
        await Driver.DeleteEndpointAsync(network, endpoint, Cancellation);

        // berthd repeats a tear-down a crash interrupted and ignores the errors, but an error other than NotFound means the driver is confused.
        foreach (var repeat in new Func<Task>[] { () => Driver.LeaveAsync(network, endpoint, Cancellation), () => Driver.DeleteEndpointAsync(network, endpoint, Cancellation) })
        {
            try
            {
                await repeat();
            }
            catch (BerthException ex)
            {
                Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound), $"a repeated tear-down: done, or NotFound — not {ex.Kind}: {ex.Message}");
            }
        }
    }

    [Test]
    public async Task Join_FourEndpointsAtOnce_FourDistinctInterfaces()
    {
        var network = await CreateNetworkAsync(8);
        var endpoints = await Task.WhenAll(Enumerable.Range(0, 4).Select(e => Task.Run(() => CreateEndpointAsync(network, 8, e))));

        var joins = await Task.WhenAll(endpoints.Select(e => Task.Run(() =>
            Driver.JoinAsync(new JoinRequest(network, e.Id, SandboxKey, new Dictionary<string, System.Text.Json.JsonElement>()), Cancellation))));

        foreach (var join in joins) handedInterfaces.Add(join.InterfaceName.SrcName);
        Assert.That(joins.Select(j => j.InterfaceName.SrcName).Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public async Task EndpointOperInfo_JoinedEndpoint_Answers()
    {
        var network = await CreateNetworkAsync(9);
        var (endpoint, _) = await CreateEndpointAsync(network, 9, 0);
        await JoinAndMoveAsync(network, endpoint);

        var info = await Driver.EndpointOperInfoAsync(network, endpoint, Cancellation);

        Assert.That(info, Is.Not.Null);
        WireCheck.AssertRoundTrips(info);
    }

    [Test]
    public async Task Restart_NewProcessAfterReplay_TearsDownWhatTheOldOneMade()
    {
        var network = await CreateNetworkAsync(10);
        var (endpoint, _) = await CreateEndpointAsync(network, 10, 0);
        await JoinAndMoveAsync(network, endpoint);
        await StopDriverAsync();

        await NewDriverAsync();
        await Driver.CreateNetworkAsync(NetworkRequest(10), Cancellation);
        await Driver.LeaveAsync(network, endpoint, Cancellation);
        await Driver.DeleteEndpointAsync(network, endpoint, Cancellation);
        await DeleteNetworkAsync(network);

        Assert.That(await NewHostLinksAsync(), Is.Empty, "the new process found and removed what the old one made");
    }
}
