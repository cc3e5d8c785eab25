namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>The driver's networks and endpoints by id: what <see cref="BridgeStateFile"/> keeps on disk.</summary>
internal sealed class BridgeState
{
    public Dictionary<string, BridgeNetwork> Networks { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, BridgeEndpoint> Endpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>The network, other than <paramref name="exceptId"/>, whose bridge is called <paramref name="bridgeName"/>.</summary>
    public BridgeNetwork? NetworkWithBridge(string bridgeName, string exceptId) =>
        Networks.Values.FirstOrDefault(n => n.BridgeName == bridgeName && n.Id != exceptId);

    /// <summary>Every network but <paramref name="id"/>.</summary>
    public IReadOnlyList<BridgeNetwork> OtherNetworks(string id) => Networks.Values.Where(n => n.Id != id).ToList();

    public IReadOnlyList<BridgeEndpoint> EndpointsOf(string networkId) => Endpoints.Values.Where(e => e.NetworkId == networkId).ToList();
}
