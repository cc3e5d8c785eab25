using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Plugins.V1;

/// <summary><see cref="INetworkDriver"/> served by a v1 plugin implementing <c>NetworkDriver</c> (libnetwork's remote driver).</summary>
internal sealed class V1NetworkDriver(V1PluginRegistry registry, string name) : INetworkDriver
{
    private const string Prefix = "NetworkDriver.";

    public async Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var reply = await CallAsync<V1NetworkCapabilitiesReply>("GetCapabilities", null, cancellationToken).ConfigureAwait(false);
        var scope = reply.Scope ?? "";
        if (scope is not ("local" or "global"))
            throw new BerthException($"plugin {name}: NetworkDriver.GetCapabilities: invalid capability: expecting 'local' or 'global', got '{scope}'");
        return new NetworkCapabilities(scope, string.IsNullOrEmpty(reply.ConnectivityScope) ? scope : reply.ConnectivityScope);
    }

    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync("CreateNetwork", new V1CreateNetwork(request.NetworkId, request.Options,
            [.. request.IPv4Data.Select(V1IpamData.From)], [.. request.IPv6Data.Select(V1IpamData.From)]), cancellationToken);
    }

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) =>
        CallAsync("DeleteNetwork", new V1NetworkId(networkId), cancellationToken);

    public async Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.Interface is { } i ? new V1EndpointInterface(i.Address, i.AddressIPv6, i.MacAddress) : null;
        var reply = await CallAsync<V1CreateEndpointReply>("CreateEndpoint", new V1CreateEndpoint(request.NetworkId, request.EndpointId, request.Options, given), cancellationToken).ConfigureAwait(false);
        var answered = reply.Interface;
        return new EndpointInterface(answered?.Address, answered?.AddressIPv6, answered?.MacAddress);
    }

    public async Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        var reply = await CallAsync<V1EndpointInfoReply>("EndpointOperInfo", new V1EndpointRef(networkId, endpointId), cancellationToken).ConfigureAwait(false);
        return reply.Value ?? new Dictionary<string, JsonElement>();
    }

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        CallAsync("DeleteEndpoint", new V1EndpointRef(networkId, endpointId), cancellationToken);

    public async Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await CallAsync<V1JoinReply>("Join", new V1Join(request.NetworkId, request.EndpointId, request.SandboxKey, request.Options), cancellationToken).ConfigureAwait(false);
        if (reply.InterfaceName is not { SrcName.Length: > 0 } names)
            throw new BerthException($"plugin {name}: NetworkDriver.Join: the reply names no interface (InterfaceName.SrcName)");
        return new JoinResponse(new InterfaceName(names.SrcName!, names.DstPrefix ?? ""), NullIfEmpty(reply.Gateway), NullIfEmpty(reply.GatewayIPv6),
            reply.StaticRoutes?.Select(r => new StaticRoute(r.Destination, r.RouteType, NullIfEmpty(r.NextHop))).ToList(), reply.DisableGatewayService);
    }

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        CallAsync("Leave", new V1EndpointRef(networkId, endpointId), cancellationToken);

    public async Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("ProgramExternalConnectivity", new V1ProgramConnectivity(networkId, endpointId, options), cancellationToken).ConfigureAwait(false);
        }
        catch (V1MethodNotFoundException)
        {
            // optional, as in libnetwork's remote driver
        }
    }

    public async Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("RevokeExternalConnectivity", new V1EndpointRef(networkId, endpointId), cancellationToken).ConfigureAwait(false);
        }
        catch (V1MethodNotFoundException)
        {
            // optional, as in libnetwork's remote driver
        }
    }

    private async Task CallAsync(string method, object? request, CancellationToken cancellationToken)
    {
        var client = await registry.GetAsync(name, V1Interfaces.NetworkDriver, cancellationToken).ConfigureAwait(false);
        await client.CallAsync(Prefix + method, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> CallAsync<T>(string method, object? request, CancellationToken cancellationToken)
    {
        var client = await registry.GetAsync(name, V1Interfaces.NetworkDriver, cancellationToken).ConfigureAwait(false);
        return await client.CallAsync<T>(Prefix + method, request, cancellationToken).ConfigureAwait(false);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public override string ToString() => $"v1 network driver {name}";
}
