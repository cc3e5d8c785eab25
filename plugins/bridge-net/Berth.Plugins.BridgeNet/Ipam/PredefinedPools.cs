namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>A range that is cut into subnets of one size for dynamic allocation (moby's ipamutils.NetworkToSplit).</summary>
internal readonly record struct NetworkToSplit(Subnet Base, int Size);

/// <summary>Moby's default address pools (ipamutils) and the search for the first free subnet among them.</summary>
internal static class PredefinedPools
{
    /// <summary>Local scope: 172.17.0.0/16 … 172.31.0.0/16, then 192.168.0.0/16 as /20s.</summary>
    public static IReadOnlyList<NetworkToSplit> Local { get; } =
    [
        Split("172.17.0.0/16", 16),
        Split("172.18.0.0/15", 16),
        Split("172.20.0.0/14", 16),
        Split("172.24.0.0/14", 16),
        Split("172.28.0.0/14", 16),
        Split("192.168.0.0/16", 20),
    ];

    /// <summary>Global scope: 10.0.0.0/8 as /24s.</summary>
    public static IReadOnlyList<NetworkToSplit> Global { get; } = [Split("10.0.0.0/8", 24)];

    /// <summary>
    /// The first subnet, in the order of <paramref name="predefined"/> and then by address, that overlaps nothing in
    /// <paramref name="taken"/>. Each overlap moves the search past the overlapping range, so the cost grows with the
    /// number of taken ranges, not with the number of candidate subnets.
    /// </summary>
    public static Subnet? FirstFree(IReadOnlyList<NetworkToSplit> predefined, IEnumerable<Subnet> taken)
    {
        var blocked = Merge(taken);
        foreach (var (network, size) in predefined)
        {
            var step = UInt128.One << (network.Network.BitLength - size);
            var candidate = network.First;
            while (candidate <= network.Last)
            {
                var last = candidate + (step - 1);
                var overlap = FirstEndingAtOrAfter(blocked, candidate);
                if (overlap < 0 || blocked[overlap].First > last) return new Subnet(network.Network with { Value = candidate }, size);
                var after = blocked[overlap].Last + 1;
                if (after == UInt128.Zero) break; // blocked up to the last address there is
                candidate = (after + (step - 1)) / step * step; // next subnet boundary at or after the blocked range
                if (candidate < after) break; // the rounding overflowed
            }
        }
        return null;
    }

    private static NetworkToSplit Split(string network, int size)
    {
        Subnet.TryParse(network, out var subnet);
        return new NetworkToSplit(subnet, size);
    }

    /// <summary>Taken subnets as disjoint [first, last] ranges sorted by address (so by end too).</summary>
    private static List<(UInt128 First, UInt128 Last)> Merge(IEnumerable<Subnet> taken)
    {
        var merged = new List<(UInt128 First, UInt128 Last)>();
        foreach (var subnet in taken.OrderBy(s => s.First))
        {
            if (merged.Count > 0 && subnet.First <= merged[^1].Last)
            {
                if (subnet.Last > merged[^1].Last) merged[^1] = (merged[^1].First, subnet.Last);
            }
            else
            {
                merged.Add((subnet.First, subnet.Last));
            }
        }
        return merged;
    }

    /// <summary>Index of the first range whose end is at or after <paramref name="address"/>, or -1.</summary>
    private static int FirstEndingAtOrAfter(List<(UInt128 First, UInt128 Last)> ranges, UInt128 address)
    {
        int low = 0, high = ranges.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (ranges[middle].Last >= address)
            {
                found = middle;
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }
        return found;
    }
}
