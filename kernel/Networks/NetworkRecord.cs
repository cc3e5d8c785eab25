namespace Berth.Kernel.Networks;

/// <summary>One IPv4 (or IPv6) pool of a network as IPAM gave it: Docker's IPAM.Config entry plus the pool id to release.</summary>
/// <param name="AddressSpace">The IPAM driver's address space the pool came from; null in records written before it was
/// kept, when it was always the default driver's <c>LocalDefault</c>.</param>
public sealed record IpamPool(string Subnet, string? IPRange, string? Gateway, string PoolId, bool V6, string? AddressSpace = null);

/// <summary>A network as Berth stores it (<c>&lt;data-root&gt;/network/networks/&lt;id&gt;.json</c>) and reports it.</summary>
public sealed record NetworkRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Driver { get; init; }
    public string Scope { get; init; } = "local";
    public required DateTimeOffset Created { get; init; }
    public bool EnableIPv6 { get; init; }
    public string IpamDriver { get; init; } = "default";
    public IReadOnlyDictionary<string, string> IpamOptions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<IpamPool> Pools { get; init; } = [];
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool Ingress { get; init; }
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>bridge, host and none: made by the daemon, never removed.</summary>
    public bool Predefined => Name is NetworkNames.Bridge or NetworkNames.Host or NetworkNames.None;
}
