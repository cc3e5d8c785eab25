namespace Berth.Kernel.Networks;

public sealed partial class NetworkService
{
    private readonly Dictionary<string, Dictionary<string, EndpointRecord>> endpoints = new(StringComparer.Ordinal);

    /// <summary>The endpoints on a network, by container id.</summary>
    public IReadOnlyList<EndpointRecord> EndpointsOf(string networkId)
    {
        lock (gate) return endpoints.TryGetValue(networkId, out var byContainer) ? [.. byContainer.Values] : [];
    }

    /// <summary>Records an endpoint (a container joined, or one found on disk after a restart).</summary>
    public void Track(string networkId, EndpointRecord endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (gate)
        {
            if (!endpoints.TryGetValue(networkId, out var byContainer)) endpoints[networkId] = byContainer = new(StringComparer.Ordinal);
            byContainer[endpoint.ContainerId] = endpoint;
        }
    }

    public void Untrack(string networkId, string containerId)
    {
        lock (gate)
        {
            if (endpoints.TryGetValue(networkId, out var byContainer) && byContainer.Remove(containerId) && byContainer.Count == 0)
                endpoints.Remove(networkId);
        }
    }
}
