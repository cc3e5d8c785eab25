namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>An allocated pool (moby's PoolData): its addresses, its sub-pools (--ip-range) and the serial cursor.</summary>
internal sealed class IpamPool
{
    private IpamPool(string addressSpace, Subnet subnet)
    {
        AddressSpace = addressSpace;
        Subnet = subnet;
        // Like moby: an IPv4 pool keeps its network and broadcast addresses out of reach (except /31 and /32,
        // RFC 3021); an IPv6 pool keeps its first address, the subnet-router anycast address (RFC 4291 2.6.1).
        if (subnet.IsV6 || subnet.HostBits > 1) Reserved.Add(UInt128.Zero);
        if (!subnet.IsV6 && subnet.HostBits > 1) Reserved.Add(subnet.MaxOffset);
        foreach (var offset in Reserved) Addresses.Add(offset);
    }

    public string AddressSpace { get; }
    public Subnet Subnet { get; }

    /// <summary>The sub-pools handed out over this pool (each is a pool id of its own).</summary>
    public HashSet<Subnet> SubPools { get; } = [];

    /// <summary>
    /// Whether the pool goes once its last sub-pool is released: true when it was only created for a sub-pool, or
    /// when the pool itself was released while sub-pools remained (moby's autoRelease).
    /// </summary>
    public bool AutoRelease { get; set; }

    /// <summary>Hand addresses out round-robin from the last one (moby's com.docker.network.ipam.serial).</summary>
    public bool Serial { get; set; }

    /// <summary>Offset of the address most recently handed out without a preference; serial allocation goes on after it.</summary>
    public UInt128? LastAllocated { get; set; }

    /// <summary>Taken offsets, the reserved ones included.</summary>
    public AddressSet Addresses { get; } = new();

    /// <summary>The network and broadcast offsets (IPv4) or the anycast offset (IPv6): always taken, never released.</summary>
    public HashSet<UInt128> Reserved { get; } = [];

    public PoolKey Key => new(AddressSpace, Subnet);

    public static IpamPool Create(string addressSpace, Subnet subnet) => new(addressSpace, subnet);

    public UInt128 OffsetOf(IpValue address) => address.Value - Subnet.First;

    /// <summary>The offsets [from, to] of a sub-pool within this pool.</summary>
    public (UInt128 From, UInt128 To) RangeOf(Subnet subPool) => (subPool.First - Subnet.First, subPool.Last - Subnet.First);
}

internal readonly record struct PoolKey(string AddressSpace, Subnet Subnet);

/// <summary>Moby's pool ids: <c>LocalDefault/172.18.0.0/16</c>, or <c>LocalDefault/172.18.0.0/16/172.18.5.0/24</c> with a sub-pool.</summary>
internal readonly record struct PoolId(string AddressSpace, Subnet Subnet, Subnet? SubPool)
{
    public PoolKey Key => new(AddressSpace, Subnet);

    public override string ToString() => SubPool is { } sub ? $"{AddressSpace}/{Subnet}/{sub}" : $"{AddressSpace}/{Subnet}";

    public static bool TryParse(string? text, out PoolId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text)) return false;
        var parts = text.Split('/');
        if (parts.Length is not (3 or 5) || parts[0].Length == 0) return false;
        if (!Subnet.TryParse($"{parts[1]}/{parts[2]}", out var subnet)) return false;
        Subnet? subPool = null;
        if (parts.Length == 5)
        {
            if (!Subnet.TryParse($"{parts[3]}/{parts[4]}", out var sub)) return false;
            subPool = sub;
        }
        id = new PoolId(parts[0], subnet, subPool);
        return true;
    }
}
