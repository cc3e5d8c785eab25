using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge;

internal sealed partial class BridgeDriver
{
    /// <summary>
    /// Creates the network's bridge (or adopts the existing one), its firewall rules and IPv4 forwarding. Idempotent:
    /// the daemon calls it again for every network when the plugin or the daemon restarts, and that puts back what a
    /// reboot took away. Whatever this call made is undone when a step fails.
    /// </summary>
    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        var wanted = NetworkOptions.Parse(request);
        return LockedAsync(async () =>
        {
            if (state.NetworkWithBridge(wanted.BridgeName, wanted.Id) is { } other)
                throw BerthException.Conflict($"bridge: the bridge name {wanted.BridgeName} is already used by network {Short(other.Id)}");
            var existing = state.Networks.GetValueOrDefault(wanted.Id);
            if (existing is not null && !existing.SameSettings(wanted))
                throw BerthException.Conflict($"bridge: network {Short(wanted.Id)} already exists with other settings (bridge {existing.BridgeName}, subnet {existing.Subnet ?? "none"})");

            var createdNow = WithNetlink(netlink => BridgeLinks.Ensure(netlink, wanted));
            var network = wanted with { CreatedBridge = createdNow || existing is { CreatedBridge: true } };
            var rules = FirewallRules.For(network, state.OtherNetworks(network.Id));
            try
            {
                await firewall.ApplyAsync(async change =>
                {
                    await change.EnsureChainsAsync().ConfigureAwait(false);
                    await change.AddAsync(rules).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                if (!network.Internal) await forwarding.EnableAsync(cancellationToken).ConfigureAwait(false);
                if (existing is not null) await RepublishAsync(network, cancellationToken).ConfigureAwait(false);
                state.Networks[network.Id] = network;
                Save(undo: () =>
                {
                    if (existing is null) state.Networks.Remove(network.Id);
                    else state.Networks[network.Id] = existing;
                });
            }
            catch
            {
                // A replayed network keeps its rules (its containers may use them); a new one leaves nothing behind.
                if (existing is null)
                    await TryAsync($"removing the rules of network {Short(network.Id)}", () => firewall.RemoveAsync(rules, CancellationToken.None)).ConfigureAwait(false);
                if (createdNow)
                    Try($"deleting bridge {network.BridgeName}", () => WithNetlink(netlink => BridgeLinks.DeleteIfPresent(netlink, network.BridgeName)));
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Removes the network's rules, its endpoints' published ports and veth pairs if the daemon left any, and the bridge
    /// if the driver created it, then forgets the network. An unknown network is no error.
    /// </summary>
    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) =>
        LockedAsync(async () =>
        {
            if (!state.Networks.TryGetValue(networkId, out var network)) return;
            var endpoints = state.EndpointsOf(networkId);
            await UnpublishAllAsync(network, endpoints, cancellationToken).ConfigureAwait(false);
            WithNetlink(netlink =>
            {
                foreach (var endpoint in endpoints) EndpointLinks.DeleteHostEnd(netlink, endpoint.HostInterface);
            });
            await firewall.RemoveAsync(FirewallRules.For(network, state.OtherNetworks(networkId)), cancellationToken).ConfigureAwait(false);
            if (network.CreatedBridge) WithNetlink(netlink => BridgeLinks.DeleteIfPresent(netlink, network.BridgeName));

            state.Networks.Remove(networkId);
            foreach (var endpoint in endpoints) state.Endpoints.Remove(endpoint.Id);
            Save(undo: () =>
            {
                state.Networks[networkId] = network;
                foreach (var endpoint in endpoints) state.Endpoints[endpoint.Id] = endpoint;
            });
            foreach (var endpoint in endpoints) await ForgetDnsAsync(endpoint.Id).ConfigureAwait(false);
        }, cancellationToken);
}
