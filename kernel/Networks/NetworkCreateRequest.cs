namespace Berth.Kernel.Networks;

/// <summary>One <c>IPAM.Config</c> entry of a create request (<c>--subnet</c>, <c>--ip-range</c>, <c>--gateway</c>).</summary>
public sealed record IpamConfigRequest(string? Subnet, string? IPRange, string? Gateway);

/// <summary>What <c>POST /networks/create</c> asks for, already read from its JSON.</summary>
public sealed record NetworkCreateRequest
{
    public required string Name { get; init; }
    public string? Driver { get; init; }
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool Ingress { get; init; }
    public bool EnableIPv6 { get; init; }
    public string? IpamDriver { get; init; }
    public IReadOnlyList<IpamConfigRequest> IpamConfig { get; init; } = [];
    public IReadOnlyDictionary<string, string> IpamOptions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
