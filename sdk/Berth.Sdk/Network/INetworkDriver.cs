using System.Text.Json;

namespace Berth.Sdk.Network;

/// <summary>libnetwork's remote network driver API.</summary>
public interface INetworkDriver
{
    [Idempotent]
    Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken);

    Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken);

    Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken);

    Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken);

    [Idempotent]
    Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken);

    Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken);

    Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken);

    Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken);

    Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken);

    Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken);
}

public sealed record NetworkCapabilities(string Scope, string ConnectivityScope);

public sealed record IpamData(string AddressSpace, string Pool, string? Gateway, IReadOnlyDictionary<string, string>? AuxAddresses);

public sealed record CreateNetworkRequest(
    string NetworkId,
    IReadOnlyDictionary<string, JsonElement> Options,
    IReadOnlyList<IpamData> IPv4Data,
    IReadOnlyList<IpamData> IPv6Data);

/// <summary>Addresses of an endpoint; the driver may only fill what the daemon left empty.</summary>
public sealed record EndpointInterface(string? Address, string? AddressIPv6, string? MacAddress);

public sealed record CreateEndpointRequest(
    string NetworkId,
    string EndpointId,
    IReadOnlyDictionary<string, JsonElement> Options,
    EndpointInterface? Interface);

public sealed record JoinRequest(string NetworkId, string EndpointId, string SandboxKey, IReadOnlyDictionary<string, JsonElement> Options);

public sealed record InterfaceName(string SrcName, string DstPrefix);

public sealed record StaticRoute(string Destination, int RouteType, string? NextHop);

public sealed record JoinResponse(
    InterfaceName InterfaceName,
    string? Gateway,
    string? GatewayIPv6,
    IReadOnlyList<StaticRoute>? StaticRoutes,
    bool DisableGatewayService);
