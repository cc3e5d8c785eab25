using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Sdk.Storage;

namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>
/// The IPAM state on disk, <c>&lt;root&gt;/ipam.json</c>:
/// <code>
/// { "version": 1,
///   "pools": [ { "addressSpace": "LocalDefault", "subnet": "172.18.0.0/16", "subPools": ["172.18.5.0/24"],
///                "autoRelease": false, "serial": false, "lastAllocated": "172.18.5.3",
///                "allocated": ["172.18.0.1", "172.18.5.0-172.18.5.3"] } ] }
/// </code>
/// <c>allocated</c> lists the taken addresses as single addresses or inclusive first-last runs; the reserved network,
/// broadcast and IPv6 anycast addresses are implied. Every write replaces the file atomically (temporary file, fsync,
/// rename, fsync of the directory).
/// </summary>
internal sealed class IpamStateFile(string directory)
{
    public const string FileName = "ipam.json";
    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>The pools on disk; none when there is no file yet.</summary>
    /// <exception cref="InvalidDataException">The file is not a state this version understands.</exception>
    public List<IpamPool> Load()
    {
        if (VersionedStateFile.Load<StateDocument>(Path) is not { } document) return [];
        return (document.Pools ?? []).Select(p => p is null ? throw Bad("empty pool entry") : FromDocument(p)).ToList();
    }

    public void Save(IEnumerable<IpamPool> pools)
    {
        var document = new StateDocument(
            VersionedStateFile.CurrentVersion,
            pools.OrderBy(p => p.AddressSpace, StringComparer.Ordinal).ThenBy(p => p.Subnet.IsV6).ThenBy(p => p.Subnet.First).ThenBy(p => p.Subnet.Bits)
                .Select(ToDocument).ToList());
        VersionedStateFile.Save(Path, document);
    }

    private static PoolDocument ToDocument(IpamPool pool)
    {
        var allocated = new List<string>();
        foreach (var (first, last) in pool.Addresses.Runs())
        {
            // Runs include the reserved offsets, which can only be the first and last of the pool; leave them out,
            // they come back with the pool.
            var (from, to) = (first, last);
            if (pool.Reserved.Contains(from))
            {
                if (from == to) continue;
                from++;
            }
            if (pool.Reserved.Contains(to))
            {
                if (from == to) continue;
                to--;
            }
            allocated.Add(from == to
                ? pool.Subnet.AddressAt(from).ToString()
                : $"{pool.Subnet.AddressAt(from)}-{pool.Subnet.AddressAt(to)}");
        }
        return new PoolDocument(
            pool.AddressSpace,
            pool.Subnet.ToString(),
            pool.SubPools.OrderBy(s => s.First).ThenBy(s => s.Bits).Select(s => s.ToString()).ToList(),
            pool.AutoRelease,
            pool.Serial,
            pool.LastAllocated is { } cursor ? pool.Subnet.AddressAt(cursor).ToString() : null,
            allocated);
    }

    private IpamPool FromDocument(PoolDocument document)
    {
        if (string.IsNullOrEmpty(document.AddressSpace)) throw Bad("a pool without an address space");
        if (!Subnet.TryParse(document.Subnet, out var subnet)) throw Bad($"pool subnet '{document.Subnet}'");
        var pool = IpamPool.Create(document.AddressSpace, subnet);
        pool.AutoRelease = document.AutoRelease;
        pool.Serial = document.Serial;
        foreach (var text in document.SubPools ?? [])
        {
            if (!Subnet.TryParse(text, out var sub) || !subnet.Contains(sub)) throw Bad($"sub-pool '{text}' of {subnet}");
            pool.SubPools.Add(sub);
        }
        if (document.LastAllocated is { } lastText)
        {
            if (!IpValue.TryParse(lastText, out var last) || !subnet.Contains(last)) throw Bad($"last allocated address '{lastText}' of {subnet}");
            pool.LastAllocated = pool.OffsetOf(last);
        }
        foreach (var entry in document.Allocated ?? [])
        {
            var dash = entry.IndexOf('-', StringComparison.Ordinal);
            var runFirst = dash < 0 ? entry : entry[..dash];
            var runLast = dash < 0 ? entry : entry[(dash + 1)..];
            if (!IpValue.TryParse(runFirst, out var first) || !IpValue.TryParse(runLast, out var lastAddress)
                || !subnet.Contains(first) || !subnet.Contains(lastAddress) || first.Value > lastAddress.Value)
            {
                throw Bad($"allocated addresses '{entry}' of {subnet}");
            }
            for (var offset = pool.OffsetOf(first); ; offset++)
            {
                pool.Addresses.Add(offset);
                if (offset == pool.OffsetOf(lastAddress)) break;
            }
        }
        return pool;
    }

    private InvalidDataException Bad(string what) => new($"{Path} has an unreadable {what}");

    private sealed record StateDocument(int Version, List<PoolDocument>? Pools) : IVersionedDocument;

    private sealed record PoolDocument(
        string AddressSpace,
        string Subnet,
        List<string>? SubPools,
        bool AutoRelease,
        bool Serial,
        string? LastAllocated,
        List<string>? Allocated);
}
