using System.Net.Sockets;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge;

internal sealed partial class BridgeDriver
{
    /// <summary>
    /// Makes the endpoint's veth pair on the network's bridge. The container end gets the MAC the daemon asked for, or
    /// Moby's MAC from the IPv4 address (02:42 and its four bytes), which is then the one field of the answer filled.
    /// </summary>
    public Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requested = request.Interface ?? new EndpointInterface(null, null, null);
        var address = OptionalCidr(requested.Address, AddressFamily.InterNetwork, "Address");
        var addressV6 = OptionalCidr(requested.AddressIPv6, AddressFamily.InterNetworkV6, "AddressIPv6");
        byte[] mac;
        var generated = string.IsNullOrEmpty(requested.MacAddress);
        if (generated) mac = address is { } v4 ? MacAddresses.FromIPv4(v4.Address) : MacAddresses.Random();
        else if (!MacAddresses.TryParse(requested.MacAddress, out mac)) throw BerthException.Invalid($"bridge: invalid MAC address '{requested.MacAddress}'");

        return LockedAsync(() =>
        {
            var network = Network(request.NetworkId);
            if (state.Endpoints.ContainsKey(request.EndpointId))
                throw BerthException.Conflict($"bridge: endpoint {Short(request.EndpointId)} already exists");
            var (hostEnd, containerEnd) = WithNetlink(netlink => EndpointLinks.Create(netlink, network, mac));
            var endpoint = new BridgeEndpoint(request.EndpointId, network.Id, hostEnd, containerEnd, address?.ToString(), addressV6?.ToString(), MacAddresses.Format(mac));
            state.Endpoints[endpoint.Id] = endpoint;
            try
            {
                Save(undo: () => state.Endpoints.Remove(endpoint.Id));
            }
            catch
            {
                Try($"deleting veth {hostEnd}", () => WithNetlink(netlink => EndpointLinks.TryDeleteHostEnd(netlink, hostEnd)));
                throw;
            }
            return Task.FromResult(new EndpointInterface(null, null, generated ? endpoint.MacAddress : null));
        }, cancellationToken);
    }

    /// <summary>What inspect shows of the endpoint: its MAC address, and the ports published (with the host ports chosen) once programmed.</summary>
    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var endpoint = Endpoint(networkId, endpointId);
            var info = new Dictionary<string, JsonElement>
            {
                [EndpointOptions.MacAddress] = JsonSerializer.SerializeToElement(endpoint.MacAddress),
            };
            if (endpoint.Ports is { } ports) info[EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(ports.Select(p => p.ToBinding()).ToList());
            return Task.FromResult<IReadOnlyDictionary<string, JsonElement>>(info);
        }, cancellationToken);

    /// <summary>
    /// Unpublishes the endpoint's ports if it still has any, deletes its veth pair if its host end is still there, and
    /// forgets it. An unknown endpoint is no error.
    /// </summary>
    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        LockedAsync(async () =>
        {
            if (!state.Endpoints.TryGetValue(endpointId, out var endpoint)) return;
            if (state.Networks.GetValueOrDefault(endpoint.NetworkId) is { } network)
                endpoint = await UnpublishAsync(network, endpoint, cancellationToken).ConfigureAwait(false);
            WithNetlink(netlink => EndpointLinks.DeleteHostEnd(netlink, endpoint.HostInterface));
            state.Endpoints.Remove(endpointId);
            Save(undo: () => state.Endpoints[endpointId] = endpoint);
            await ForgetDnsAsync(endpointId).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Names the container end for the daemon, which moves it into the sandbox as <c>eth</c>N and configures it, and
    /// gives the gateway (none on an internal network). With <see cref="EndpointOptions.DnsNames"/>, the endpoint's
    /// names are served by the embedded DNS in the sandbox (BridgeDriver.Dns.cs); a sandbox it cannot serve is logged, not refused.
    /// </summary>
    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return LockedAsync(() =>
        {
            var endpoint = Endpoint(request.NetworkId, request.EndpointId);
            var network = Network(endpoint.NetworkId);
            var response = new JoinResponse(
                new InterfaceName(endpoint.ContainerInterface, network.ContainerInterfacePrefix),
                Gateway: network.Internal ? null : network.GatewayAddress,
                GatewayIPv6: network.Internal || !network.EnableIPv6 ? null : network.GatewayAddressIPv6,
                StaticRoutes: null,
                DisableGatewayService: false);
            return JoinDnsAsync(endpoint, request, response, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Forgets the endpoint's embedded-DNS names (the sandbox's listener closes with its last); the daemon takes the
    /// interface out of the sandbox, DeleteEndpoint removes the pair.
    /// </summary>
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => LeaveDnsAsync(endpointId, cancellationToken);

    private BridgeNetwork Network(string networkId) =>
        state.Networks.GetValueOrDefault(networkId) ?? throw BerthException.NotFound($"bridge: network {Short(networkId ?? "")} not found");

    private BridgeEndpoint Endpoint(string networkId, string endpointId)
    {
        if (state.Endpoints.GetValueOrDefault(endpointId) is { } endpoint && (string.IsNullOrEmpty(networkId) || endpoint.NetworkId == networkId)) return endpoint;
        throw BerthException.NotFound($"bridge: endpoint {Short(endpointId ?? "")} not found in network {Short(networkId ?? "")}");
    }

    private static Cidr? OptionalCidr(string? text, AddressFamily family, string field)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!Cidr.TryParse(text, out var cidr) || cidr.Address.AddressFamily != family)
            throw BerthException.Invalid($"bridge: invalid endpoint {field} '{text}'");
        return cidr;
    }
}
