using System.Text.Json;
using Berth.Sdk.Network;

namespace Berth.Kernel.Plugins.V1;

// libnetwork's remote driver JSON (daemon/libnetwork/drivers/remote/api/api.go).

internal sealed record V1NetworkCapabilitiesReply(string? Scope, string? ConnectivityScope);

internal sealed record V1IpamData(string AddressSpace, string Pool, string? Gateway, IReadOnlyDictionary<string, string>? AuxAddresses)
{
    public static V1IpamData From(IpamData data) => new(data.AddressSpace, data.Pool, data.Gateway, data.AuxAddresses);
}

internal sealed record V1CreateNetwork(string NetworkID, IReadOnlyDictionary<string, JsonElement> Options, IReadOnlyList<V1IpamData> IPv4Data, IReadOnlyList<V1IpamData> IPv6Data);

internal sealed record V1NetworkId(string NetworkID);

internal sealed record V1EndpointRef(string NetworkID, string EndpointID);

internal sealed record V1EndpointInterface(string? Address, string? AddressIPv6, string? MacAddress);

internal sealed record V1CreateEndpoint(string NetworkID, string EndpointID, IReadOnlyDictionary<string, JsonElement> Options, V1EndpointInterface? Interface);

internal sealed record V1CreateEndpointReply(V1EndpointInterface? Interface);

internal sealed record V1EndpointInfoReply(Dictionary<string, JsonElement>? Value);

internal sealed record V1Join(string NetworkID, string EndpointID, string SandboxKey, IReadOnlyDictionary<string, JsonElement> Options);

internal sealed record V1InterfaceName(string? SrcName, string? DstPrefix);

internal sealed record V1StaticRoute(string Destination, int RouteType, string? NextHop);

internal sealed record V1JoinReply(V1InterfaceName? InterfaceName, string? Gateway, string? GatewayIPv6, IReadOnlyList<V1StaticRoute>? StaticRoutes, bool DisableGatewayService);

internal sealed record V1ProgramConnectivity(string NetworkID, string EndpointID, IReadOnlyDictionary<string, JsonElement> Options);
