namespace Berth.Sdk.Ipam;

/// <summary>libnetwork's IPAM driver API.</summary>
public interface IIpamDriver
{
    [Idempotent]
    Task<IpamCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken);

    [Idempotent]
    Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken);

    Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken);

    Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken);

    Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken);

    Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken);
}

public sealed record IpamCapabilities(bool RequiresMACAddress, bool RequiresRequestReplay);

public sealed record AddressSpaces(string LocalDefaultAddressSpace, string GlobalDefaultAddressSpace);

public sealed record RequestPoolRequest(string AddressSpace, string? Pool, string? SubPool, IReadOnlyDictionary<string, string>? Options, bool V6);

public sealed record RequestPoolResponse(string PoolId, string Pool, IReadOnlyDictionary<string, string>? Data);

/// <param name="Address">A specific address, or null for any free one.</param>
public sealed record RequestAddressRequest(string PoolId, string? Address, IReadOnlyDictionary<string, string>? Options);

/// <param name="Address">CIDR form, e.g. <c>172.17.0.2/16</c>.</param>
public sealed record RequestAddressResponse(string Address, IReadOnlyDictionary<string, string>? Data);
