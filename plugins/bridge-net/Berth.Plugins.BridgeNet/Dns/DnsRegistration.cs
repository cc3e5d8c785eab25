namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>
/// One endpoint's entry in the embedded DNS, as Join asked for it. It is kept with the endpoint in <c>bridge.json</c>
/// (so a restarted plugin serves the sandbox again) and compares by value, lists included.
/// </summary>
/// <param name="EndpointId">The daemon's endpoint id.</param>
/// <param name="NetworkId">The endpoint's network: every sandbox on it resolves <paramref name="Names"/>.</param>
/// <param name="SandboxKey">The path of the sandbox's network namespace, where 127.0.0.11:53 is served.</param>
/// <param name="Address">The endpoint's IPv4 address, without prefix length, if it has one.</param>
/// <param name="AddressIPv6">The endpoint's IPv6 address, without prefix length, if it has one.</param>
/// <param name="Names">The names that resolve to the endpoint's addresses: container name, short id, aliases.</param>
/// <param name="Links">Legacy links, <c>target:alias</c>: names only this sandbox resolves, to the target's addresses.</param>
/// <param name="Servers">The resolvers other names are forwarded to, in order: <c>ip</c>, <c>ip:port</c> or <c>[ipv6]:port</c>.</param>
internal sealed record DnsRegistration(
    string EndpointId,
    string NetworkId,
    string SandboxKey,
    string? Address,
    string? AddressIPv6,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> Links,
    IReadOnlyList<string> Servers)
{
    // A state file may leave a list out; it reads as empty.
    public IReadOnlyList<string> Names { get; init; } = Names ?? [];
    public IReadOnlyList<string> Links { get; init; } = Links ?? [];
    public IReadOnlyList<string> Servers { get; init; } = Servers ?? [];

    public bool Equals(DnsRegistration? other) =>
        other is not null
        && EndpointId == other.EndpointId && NetworkId == other.NetworkId && SandboxKey == other.SandboxKey
        && Address == other.Address && AddressIPv6 == other.AddressIPv6
        && Names.SequenceEqual(other.Names, StringComparer.Ordinal)
        && Links.SequenceEqual(other.Links, StringComparer.Ordinal)
        && Servers.SequenceEqual(other.Servers, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(EndpointId, NetworkId, SandboxKey, Address, AddressIPv6, Names.Count, Links.Count, Servers.Count);
}
