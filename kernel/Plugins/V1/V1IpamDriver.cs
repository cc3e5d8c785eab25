using Berth.Sdk;
using Berth.Sdk.Ipam;

namespace Berth.Kernel.Plugins.V1;

/// <summary><see cref="IIpamDriver"/> served by a v1 plugin implementing <c>IpamDriver</c>.</summary>
internal sealed class V1IpamDriver(V1PluginRegistry registry, string name) : IIpamDriver
{
    private const string Prefix = "IpamDriver.";

    public async Task<IpamCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reply = await CallAsync<V1IpamCapabilitiesReply>("GetCapabilities", null, cancellationToken).ConfigureAwait(false);
            return new IpamCapabilities(reply.RequiresMACAddress, reply.RequiresRequestReplay);
        }
        catch (V1MethodNotFoundException)
        {
            return new IpamCapabilities(false, false); // optional, as in libnetwork
        }
    }

    public async Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken)
    {
        var reply = await CallAsync<V1AddressSpacesReply>("GetDefaultAddressSpaces", null, cancellationToken).ConfigureAwait(false);
        return new AddressSpaces(reply.LocalDefaultAddressSpace ?? "", reply.GlobalDefaultAddressSpace ?? "");
    }

    public async Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await CallAsync<V1RequestPoolReply>("RequestPool",
            new V1RequestPool(request.AddressSpace, request.Pool ?? "", request.SubPool ?? "", request.Options, request.V6), cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply.PoolID) || string.IsNullOrEmpty(reply.Pool))
            throw new BerthException($"plugin {name}: IpamDriver.RequestPool: the reply has no PoolID or Pool");
        return new RequestPoolResponse(reply.PoolID, reply.Pool, reply.Data);
    }

    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) =>
        CallAsync<object>("ReleasePool", new V1ReleasePool(poolId), cancellationToken);

    public async Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await CallAsync<V1RequestAddressReply>("RequestAddress",
            new V1RequestAddress(request.PoolId, request.Address ?? "", request.Options), cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply.Address))
            throw new BerthException($"plugin {name}: IpamDriver.RequestAddress: the reply has no Address");
        return new RequestAddressResponse(reply.Address, reply.Data);
    }

    public Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken) =>
        CallAsync<object>("ReleaseAddress", new V1ReleaseAddress(poolId, address), cancellationToken);

    private async Task<T> CallAsync<T>(string method, object? request, CancellationToken cancellationToken)
    {
        var client = await registry.GetAsync(name, V1Interfaces.IpamDriver, cancellationToken).ConfigureAwait(false);
        return await client.CallAsync<T>(Prefix + method, request, cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => $"v1 IPAM driver {name}";
}
