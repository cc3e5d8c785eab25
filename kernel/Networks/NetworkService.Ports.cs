using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Networks;

public sealed partial class NetworkService
{
    /// <summary>
    /// Asks the driver of the container's gateway endpoint to publish its ports, then reads back the host ports it
    /// chose (libnetwork's ProgramExternalConnectivity, then EndpointOperInfo). On failure nothing stays published.
    /// </summary>
    /// <exception cref="BerthException">The driver refused: Moby's "driver failed programming external connectivity" message.</exception>
    public async Task<IReadOnlyList<PortBinding>> PublishAsync(string networkId, string endpointId, string containerName,
        IReadOnlyList<PortBinding> bindings, IReadOnlyList<ExposedPort> exposed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        ArgumentNullException.ThrowIfNull(exposed);
        var network = Get(networkId);
        if (bindings.Count == 0 || NetworkNames.IsBuiltinDriver(network.Driver)) return [];
        var driver = drivers.Network(network.Driver);
        var options = new Dictionary<string, JsonElement>
        {
            [EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(bindings),
            [EndpointOptions.ExposedPorts] = JsonSerializer.SerializeToElement(exposed),
        };
        try
        {
            await driver.ProgramExternalConnectivityAsync(network.Id, endpointId, options, cancellationToken).ConfigureAwait(false);
            var info = await driver.EndpointOperInfoAsync(network.Id, endpointId, cancellationToken).ConfigureAwait(false);
            return info.TryGetValue(EndpointOptions.PortMap, out var map) && map.ValueKind == JsonValueKind.Array
                ? map.Deserialize<List<PortBinding>>() ?? []
                : [];
        }
        catch (BerthException ex)
        {
            await IgnoreAsync(() => driver.RevokeExternalConnectivityAsync(network.Id, endpointId, CancellationToken.None)).ConfigureAwait(false);
            throw new BerthException(ex.Kind, $"driver failed programming external connectivity on endpoint {containerName} ({endpointId}): {ex.Message}", ex);
        }
    }
}
