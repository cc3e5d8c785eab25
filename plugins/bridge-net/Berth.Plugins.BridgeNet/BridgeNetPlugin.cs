using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Network;

[assembly: BerthPlugin(typeof(Berth.Plugins.BridgeNet.BridgeNetPlugin))]

namespace Berth.Plugins.BridgeNet;

/// <summary>
/// The bridge network plugin: libnetwork's bridge driver and default IPAM. Capabilities and address
/// spaces are served; networks and endpoints are not built yet and say so.
/// </summary>
public sealed class BridgeNetPlugin : INetworkDriver, IIpamDriver
{
    public const string LocalAddressSpace = "LocalDefault";
    public const string GlobalAddressSpace = "GlobalDefault";

    public Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NetworkCapabilities(Scope: "local", ConnectivityScope: "local"));

    Task<IpamCapabilities> IIpamDriver.GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IpamCapabilities(RequiresMACAddress: false, RequiresRequestReplay: false));

    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AddressSpaces(LocalAddressSpace, GlobalAddressSpace));

    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken) => throw NotYet("CreateNetwork");
    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => throw NotYet("DeleteNetwork");
    public Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken) => throw NotYet("CreateEndpoint");
    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) => throw NotYet("EndpointOperInfo");
    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => throw NotYet("DeleteEndpoint");
    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken) => throw NotYet("Join");
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => throw NotYet("Leave");
    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken) => throw NotYet("ProgramExternalConnectivity");
    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) => throw NotYet("RevokeExternalConnectivity");
    public Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken) => throw NotYet("RequestPool");
    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) => throw NotYet("ReleasePool");
    public Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken) => throw NotYet("RequestAddress");
    public Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken) => throw NotYet("ReleaseAddress");

    private static BerthException NotYet(string method) =>
        BerthException.NotImplemented($"bridge-net: {method} is not implemented yet: networks are not supported by this version of Berth");
}
