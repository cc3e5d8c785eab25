namespace Berth.Kernel.Plugins.V1;

// libnetwork's IPAM JSON (daemon/libnetwork/ipams/remote/api/api.go). Replies carry errors in "Error".

internal sealed record V1IpamCapabilitiesReply(bool RequiresMACAddress, bool RequiresRequestReplay);

internal sealed record V1AddressSpacesReply(string? LocalDefaultAddressSpace, string? GlobalDefaultAddressSpace);

internal sealed record V1RequestPool(string AddressSpace, string Pool, string SubPool, IReadOnlyDictionary<string, string>? Options, bool V6);

internal sealed record V1RequestPoolReply(string? PoolID, string? Pool, IReadOnlyDictionary<string, string>? Data);

internal sealed record V1ReleasePool(string PoolID);

internal sealed record V1RequestAddress(string PoolID, string Address, IReadOnlyDictionary<string, string>? Options);

internal sealed record V1RequestAddressReply(string? Address, IReadOnlyDictionary<string, string>? Data);

internal sealed record V1ReleaseAddress(string PoolID, string Address);
