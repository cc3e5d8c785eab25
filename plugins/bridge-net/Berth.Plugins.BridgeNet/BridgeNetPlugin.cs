using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Ipam;
using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Network;

[assembly: BerthPlugin(typeof(Berth.Plugins.BridgeNet.BridgeNetPlugin))]

namespace Berth.Plugins.BridgeNet;

/// <summary>
/// The bridge network plugin: libnetwork's bridge driver (<see cref="BridgeDriver"/>) and default IPAM.
/// </summary>
public sealed class BridgeNetPlugin : INetworkDriver, IIpamDriver, IDisposable, IAsyncDisposable
{
    public const string LocalAddressSpace = "LocalDefault";
    public const string GlobalAddressSpace = "GlobalDefault";

    private readonly DefaultIpam ipam;
    private readonly BridgeDriver bridge;

    /// <summary>IPAM and bridge-driver state is kept in memory only.</summary>
    public BridgeNetPlugin()
    {
        ipam = new DefaultIpam(stateDirectory: null);
        bridge = BridgeDriver.ForHost(stateDirectory: null, TextWriter.Null);
    }

    /// <summary>IPAM and bridge-driver state is kept in the plugin's root.</summary>
    public BridgeNetPlugin(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ipam = new DefaultIpam(context.Root, log: context.Log);
        bridge = BridgeDriver.ForHost(context.Root, context.Log);
    }

    /// <summary>When the daemon's connection ends (stop, upgrade): frees the host ports the bridge driver holds, so a new version can hold them.</summary>
    public void Dispose() => bridge.Dispose();

    /// <summary>What the plugin host calls when the connection ends: <see cref="Dispose"/>, and the embedded DNS listeners close.</summary>
    public ValueTask DisposeAsync() => bridge.ShutdownAsync();

    public Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NetworkCapabilities(Scope: "local", ConnectivityScope: "local"));

    Task<IpamCapabilities> IIpamDriver.GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IpamCapabilities(RequiresMACAddress: false, RequiresRequestReplay: false));

    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AddressSpaces(LocalAddressSpace, GlobalAddressSpace));

    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken) => bridge.CreateNetworkAsync(request, cancellationToken);
    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => bridge.DeleteNetworkAsync(networkId, cancellationToken);
    public Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken) => bridge.CreateEndpointAsync(request, cancellationToken);
    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) => bridge.EndpointOperInfoAsync(networkId, endpointId, cancellationToken);
    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => bridge.DeleteEndpointAsync(networkId, endpointId, cancellationToken);
    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken) => bridge.JoinAsync(request, cancellationToken);
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => bridge.LeaveAsync(networkId, endpointId, cancellationToken);
    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken) => bridge.ProgramExternalConnectivityAsync(networkId, endpointId, options, cancellationToken);
    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) => bridge.RevokeExternalConnectivityAsync(networkId, endpointId, cancellationToken);
    public Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken) => ipam.RequestPoolAsync(request, cancellationToken);
    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) => ipam.ReleasePoolAsync(poolId, cancellationToken);
    public Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken) => ipam.RequestAddressAsync(request, cancellationToken);
    public Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken) => ipam.ReleaseAddressAsync(poolId, address, cancellationToken);
}
