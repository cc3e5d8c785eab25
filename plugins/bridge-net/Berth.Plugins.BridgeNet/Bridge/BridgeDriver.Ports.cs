using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Port publishing (<c>-p</c>, <c>-P</c>), after Moby's bridge driver with its userland proxy off: each published port
/// is held by a socket in the host namespace (<see cref="PortReservations"/>), reached through DNAT rules
/// (<see cref="PortRules"/>), with hairpin mode on the endpoint's bridge port and <c>route_localnet</c> on the bridge
/// so that containers and the host's 127.0.0.1 reach it too. What is published is kept on the endpoint in
/// <c>bridge.json</c>, held again when the plugin starts and its rules ensured again when the daemon replays the network.
/// </summary>
internal sealed partial class BridgeDriver
{
    private static readonly TimeSpan HoldRetryInterval = TimeSpan.FromSeconds(2);
    private const int HoldRetries = 150;

    private readonly CancellationTokenSource disposing = new();
    private Task? retryingHolds;

    /// <summary>Releases the sockets that hold published ports, as the plugin's exit does; rules and state stay.</summary>
    public void Dispose()
    {
        disposing.Cancel();
        ports.Dispose();
    }

    /// <summary>
    /// Publishes the ports of <see cref="EndpointOptions.PortMap"/> for the endpoint: a host port held for each (the
    /// one asked for, the first free one of a range, or one the kernel picks for 0), then the rules. All or nothing:
    /// a port that is taken refuses the call and leaves nothing behind. Ports programmed before for the endpoint are
    /// revoked first; an empty port map is a revoke. On an internal network nothing is published (as in Moby); IPv6
    /// host addresses are skipped.
    /// </summary>
    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken)
    {
        var requests = PortBindingParser.Parse(options);
        if (requests.Count == 0) return RevokeExternalConnectivityAsync(networkId, endpointId, cancellationToken);
        return LockedAsync(async () =>
        {
            var endpoint = Endpoint(networkId, endpointId);
            var network = Network(endpoint.NetworkId);
            endpoint = await UnpublishAsync(network, endpoint, cancellationToken).ConfigureAwait(false);
            if (network.Internal)
            {
                await log.WriteLineAsync($"bridge: network {Short(network.Id)} is internal: the ports of endpoint {Short(endpoint.Id)} are not published").ConfigureAwait(false);
                return;
            }
            var ipv4 = new List<PortRequest>();
            foreach (var request in requests)
            {
                if (request.HostIP is null || request.HostIP.AddressFamily == AddressFamily.InterNetwork) ipv4.Add(request);
                else await log.WriteLineAsync($"bridge: {request.Protocol} port {request.ContainerPort} of endpoint {Short(endpoint.Id)} is not published on {request.HostIP}: IPv6 host addresses are not supported").ConfigureAwait(false);
            }
            if (ipv4.Count == 0) return;
            if (endpoint.Address is null)
            {
                await log.WriteLineAsync($"bridge: endpoint {Short(endpoint.Id)} has no IPv4 address: its ports are not published").ConfigureAwait(false);
                return;
            }

            var containerIP = Cidr.Parse(endpoint.Address).Address.ToString();
            var published = endpoint with { Ports = ports.Reserve(endpoint.Id, ipv4, DefaultHostIP(network), containerIP) };
            try
            {
                await ApplyPortsAsync(network, published, replay: false, cancellationToken).ConfigureAwait(false);
                state.Endpoints[endpoint.Id] = published;
                var unpublished = endpoint;
                Save(undo: () => state.Endpoints[unpublished.Id] = unpublished);
            }
            catch
            {
                await TryAsync($"removing the port rules of endpoint {Short(endpoint.Id)}", () => RemovePortRulesAsync(network, published, CancellationToken.None)).ConfigureAwait(false);
                ports.Release(endpoint.Id);
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>Unpublishes the endpoint's ports: their rules go and their host ports are free again. Idempotent; an unknown endpoint is no error.</summary>
    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        LockedAsync(async () =>
        {
            if (state.Endpoints.GetValueOrDefault(endpointId) is not { } endpoint || state.Networks.GetValueOrDefault(endpoint.NetworkId) is not { } network)
            {
                ports.Release(endpointId);
                return;
            }
            await UnpublishAsync(network, endpoint, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Removes the rules of <paramref name="endpoint"/>'s published ports and frees its host ports, and saves it without
    /// ports. Returns the endpoint as it now is.
    /// </summary>
    private async Task<BridgeEndpoint> UnpublishAsync(BridgeNetwork network, BridgeEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Ports is null)
        {
            ports.Release(endpoint.Id);
            return endpoint;
        }
        await RemovePortRulesAsync(network, endpoint, cancellationToken).ConfigureAwait(false);
        Try($"turning hairpin mode off on {endpoint.HostInterface}", () => SetHairpin(endpoint, on: false));
        ports.Release(endpoint.Id);
        var unpublished = endpoint with { Ports = null };
        state.Endpoints[endpoint.Id] = unpublished;
        Save(undo: () => state.Endpoints[endpoint.Id] = endpoint);
        return unpublished;
    }

    /// <summary>
    /// For DeleteNetwork: removes the port rules of every endpoint of the network and frees their host ports (the
    /// endpoints are forgotten with the network).
    /// </summary>
    private async Task UnpublishAllAsync(BridgeNetwork network, IReadOnlyList<BridgeEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var published = endpoints.Where(e => e.Ports is not null).SelectMany(e => e.Ports!).ToList();
        if (published.Count > 0)
        {
            await firewall.ApplyAsync(async rules =>
            {
                await rules.RemoveAsync(PortRules.For(network, published)).ConfigureAwait(false);
                await rules.RemoveAsync(PortRules.ForBridge(network)).ConfigureAwait(false);
                await RemoveUnusedPortChainAsync(rules).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        foreach (var endpoint in endpoints) ports.Release(endpoint.Id);
    }

    /// <summary>
    /// For a replayed CreateNetwork: holds the published ports of the network's endpoints again where a socket is
    /// missing, and ensures their rules, sysctl and hairpin mode (a reboot or a flush took them away).
    /// </summary>
    private async Task RepublishAsync(BridgeNetwork network, CancellationToken cancellationToken)
    {
        foreach (var endpoint in state.EndpointsOf(network.Id).Where(e => e.Ports is { Count: > 0 }))
        {
            var problems = ports.Restore(endpoint.Id, endpoint.Ports!);
            foreach (var problem in problems) await log.WriteLineAsync($"bridge: cannot hold published port {problem}; trying again").ConfigureAwait(false);
            if (problems.Count > 0) RetryHoldingLater();
            await ApplyPortsAsync(network, endpoint, replay: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>At start: holds the host ports of every endpoint that has published ports, before anyone else takes them.</summary>
    private void HoldPublishedPorts()
    {
        foreach (var endpoint in state.Endpoints.Values.Where(e => e.Ports is { Count: > 0 }))
        {
            var problems = ports.Restore(endpoint.Id, endpoint.Ports!);
            foreach (var problem in problems) log.WriteLine($"bridge: cannot hold published port {problem}; trying again");
            if (problems.Count > 0) RetryHoldingLater();
        }
    }

    /// <summary>
    /// Keeps trying, in the background, to hold the ports another process still had at start (the plugin's old
    /// version, until it stops during an upgrade), every 2 s for 5 minutes.
    /// </summary>
    private void RetryHoldingLater()
    {
        if (retryingHolds is { IsCompleted: false }) return;
        var stop = disposing.Token;
        retryingHolds = Task.Run(async () =>
        {
            try
            {
                for (var attempt = 0; attempt < HoldRetries; attempt++)
                {
                    await Task.Delay(HoldRetryInterval, stop).ConfigureAwait(false);
                    if (ports.RetryMissing() == 0) return;
                }
                await log.WriteLineAsync("bridge: some published ports are still held by another process; gave up holding them").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // The driver was disposed.
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Everything a published endpoint needs, each step idempotent; the rules in one batch (see <see cref="Firewall"/>:
    /// one iptables-save and one iptables-restore).
    /// </summary>
    private async Task ApplyPortsAsync(BridgeNetwork network, BridgeEndpoint endpoint, bool replay, CancellationToken cancellationToken)
    {
        await firewall.ApplyAsync(async rules =>
        {
            await rules.EnsureChainsAsync().ConfigureAwait(false);
            foreach (var (table, chain) in PortRules.Chains) await rules.EnsureChainAsync(table, chain).ConfigureAwait(false);
            await rules.AddAsync(PortRules.Global).ConfigureAwait(false);
            await rules.InsertFirstAsync(PortRules.IsolationReturn).ConfigureAwait(false);
            await rules.AddAsync(PortRules.ForBridge(network)).ConfigureAwait(false);
            await rules.AddAsync(PortRules.For(network, endpoint.Ports ?? [])).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        EnableRouteLocalnet(network);
        // The host end is gone when the container stopped while the plugin was down; the daemon cleans it up.
        if (replay) Try($"turning hairpin mode on on {endpoint.HostInterface}", () => SetHairpin(endpoint, on: true));
        else SetHairpin(endpoint, on: true);
    }

    /// <summary>
    /// Removes the rules of the endpoint's ports, and the bridge's port rules when no other endpoint of it has published
    /// ports, in one batch (see <see cref="Firewall"/>).
    /// </summary>
    private Task RemovePortRulesAsync(BridgeNetwork network, BridgeEndpoint endpoint, CancellationToken cancellationToken)
    {
        var lastOfBridge = !state.EndpointsOf(network.Id).Any(e => e.Id != endpoint.Id && e.Ports is { Count: > 0 });
        return firewall.ApplyAsync(async rules =>
        {
            await rules.RemoveAsync(PortRules.For(network, endpoint.Ports ?? [])).ConfigureAwait(false);
            if (lastOfBridge) await rules.RemoveAsync(PortRules.ForBridge(network)).ConfigureAwait(false);
            await RemoveUnusedPortChainAsync(rules).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Once no port is published on the host any more (the nat chain has no DNAT rule left, whichever daemon made them),
    /// removes the jumps to it, the isolation chain's DNAT exception and the chain itself, so the host is as before.
    /// </summary>
    private async Task RemoveUnusedPortChainAsync(FirewallTransaction rules)
    {
        if (!await rules.IsEmptyAsync(FirewallRule.Nat, PortRules.NatChain).ConfigureAwait(false)) return;
        await rules.RemoveAsync([PortRules.IsolationReturn, .. PortRules.Global]).ConfigureAwait(false);
        if (!await rules.TryDeleteChainAsync(FirewallRule.Nat, PortRules.NatChain).ConfigureAwait(false))
            await log.WriteLineAsync($"bridge: the nat chain {PortRules.NatChain} could not be deleted; it is left empty").ConfigureAwait(false);
    }

    /// <summary><c>net.ipv4.conf.BR.route_localnet=1</c>: the host's connections to 127.0.0.1:PORT may be routed to the bridge.</summary>
    private void EnableRouteLocalnet(BridgeNetwork network)
    {
        var name = $"net.ipv4.conf.{network.BridgeName}.route_localnet";
        try
        {
            if (sysctl.Read(name) != "1") sysctl.Write(name, "1");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new BerthException(BerthErrorKind.System, $"bridge: could not set {name}: {ex.Message}", ex);
        }
    }

    /// <summary>Hairpin mode on the endpoint's bridge port, so a container reaches its own published port; nothing when the host end is gone.</summary>
    private void SetHairpin(BridgeEndpoint endpoint, bool on) => WithNetlink(netlink =>
    {
        if (netlink.GetIndex(endpoint.HostInterface) is { } index) netlink.SetHairpin(index, on);
    });

    /// <summary>The address a binding without one is published on: the network's <c>host_binding_ipv4</c>, else every IPv4 address.</summary>
    private static IPAddress DefaultHostIP(BridgeNetwork network) =>
        network.HostBindingIPv4 is { } text && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork ? address : IPAddress.Any;
}
