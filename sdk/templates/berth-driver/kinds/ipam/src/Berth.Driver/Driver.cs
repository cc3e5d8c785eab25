using System.Net;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Ipam;

[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The IPAM driver (<c>docker network create --ipam-driver</c>). As generated it hands out IPv4 pools — the subnet
/// asked for, or the next free /24 of <see cref="DynamicRange"/> — and addresses inside them, and keeps that state in
/// a file under the plugin's root, written before each call returns: berthd does not replay IPAM requests to a
/// restarted plugin. It passes the conformance kit; replace the allocation with your own (a DHCP server, an IPAM
/// service…) and run `dotnet test` again.
/// </summary>
public sealed class Driver(PluginContext context) : IIpamDriver
{
    private const string LocalSpace = "local";
    private const string GlobalSpace = "global";
    private const string AddressTypeOption = "RequestAddressType";
    private const string GatewayAddressType = "com.docker.network.gateway";

    /// <summary>Where pools come from when a network names no subnet: its /24s, in order.</summary>
    private static readonly IPNetwork DynamicRange = IPNetwork.Parse("10.210.0.0/16");

    private readonly Lock gate = new();
    private readonly string stateFile = Path.Combine(context.Root, "pools.json");
    private Dictionary<string, Pool>? pools;

    public Task<IpamCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IpamCapabilities(RequiresMACAddress: false, RequiresRequestReplay: false));

    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AddressSpaces(LocalSpace, GlobalSpace));

    public Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AddressSpace is not (LocalSpace or GlobalSpace)) throw BerthException.Invalid($"unknown address space \"{request.AddressSpace}\"");
        if (request.V6) throw BerthException.Invalid($"{context.Name} hands out IPv4 pools only");
        var subPool = request.SubPool is { Length: > 0 } sub ? ParseSubnet(sub) : (IPNetwork?)null;
        lock (gate)
        {
            var state = Load();
            var inSpace = state.Values.Where(p => p.Space == request.AddressSpace).Select(p => IPNetwork.Parse(p.Subnet)).ToList();
            var subnet = request.Pool is { Length: > 0 } wanted ? ParseSubnet(wanted) : NextFreeSubnet(inSpace);
            if (inSpace.Any(p => Overlap(p, subnet))) throw BerthException.Forbidden($"pool {subnet} overlaps with another one on this address space");
            if (subPool is { } s && !(subnet.Contains(s.BaseAddress) && s.PrefixLength >= subnet.PrefixLength))
                throw BerthException.Invalid($"sub-pool {s} is not within pool {subnet}");
            var id = $"{request.AddressSpace}/{subnet}";
            state[id] = new Pool(request.AddressSpace, subnet.ToString(), subPool?.ToString(), []);
            Save(state);
            return Task.FromResult(new RequestPoolResponse(id, subnet.ToString(), null));
        }
    }

    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var state = Load();
            if (!state.Remove(poolId)) throw BerthException.NotFound($"no pool {poolId}");
            Save(state);
        }
        return Task.CompletedTask;
    }

    public Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (gate)
        {
            var state = Load();
            var pool = Find(state, request.PoolId);
            var subnet = IPNetwork.Parse(pool.Subnet);
            uint offset;
            if (request.Address is { Length: > 0 } wanted)
            {
                offset = OffsetIn(subnet, wanted);
                if (!IsUsable(subnet, offset)) throw BerthException.Invalid($"address {wanted} is the network or broadcast address of {subnet}");
                if (pool.Taken.Contains(offset)) throw BerthException.Forbidden($"address {wanted} is already in use");
            }
            else
            {
                var gateway = request.Options?.GetValueOrDefault(AddressTypeOption) == GatewayAddressType;
                var range = !gateway && pool.SubPool is { } sub ? IPNetwork.Parse(sub) : subnet;
                var first = ToUInt(range.BaseAddress) - ToUInt(subnet.BaseAddress);
                var candidates = Enumerable.Range(0, (int)Math.Min(Size(range), int.MaxValue)).Select(i => first + (uint)i);
                offset = candidates.Where(o => IsUsable(subnet, o) && !pool.Taken.Contains(o)).DefaultIfEmpty(uint.MaxValue).First();
                if (offset == uint.MaxValue) throw BerthException.Unavailable($"no available addresses in pool {pool.Subnet}");
            }
            pool.Taken.Add(offset);
            Save(state);
            return Task.FromResult(new RequestAddressResponse($"{FromUInt(ToUInt(subnet.BaseAddress) + offset)}/{subnet.PrefixLength}", null));
        }
    }

    /// <summary>Idempotent: berthd repeats a release a crash interrupted.</summary>
    public Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var state = Load();
            var pool = Find(state, poolId);
            if (pool.Taken.Remove(OffsetIn(IPNetwork.Parse(pool.Subnet), address))) Save(state);
        }
        return Task.CompletedTask;
    }

    /// <summary>A pool and the offsets (from its network address) of the addresses handed out.</summary>
    private sealed record Pool(string Space, string Subnet, string? SubPool, SortedSet<uint> Taken);

    private Dictionary<string, Pool> Load() =>
        pools ??= File.Exists(stateFile) ? JsonSerializer.Deserialize<Dictionary<string, Pool>>(File.ReadAllText(stateFile)) ?? [] : [];

    /// <summary>
    /// Written to a new file then renamed over the old one: a crashed process leaves the old state or the new, never
    /// half. When it cannot be written the change is forgotten in memory too (the next call reloads the file).
    /// </summary>
    private void Save(Dictionary<string, Pool> state)
    {
        try
        {
            Directory.CreateDirectory(context.Root);
            var next = stateFile + ".next";
            File.WriteAllText(next, JsonSerializer.Serialize(state));
            File.Move(next, stateFile, overwrite: true);
        }
        catch
        {
            pools = null;
            throw;
        }
    }

    private static Pool Find(Dictionary<string, Pool> state, string poolId) =>
        state.TryGetValue(poolId, out var pool) ? pool : throw BerthException.NotFound($"no pool {poolId}");

    private static IPNetwork ParseSubnet(string text) =>
        IPNetwork.TryParse(text, out var subnet) && subnet.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? subnet
            : throw BerthException.Invalid($"invalid IPv4 subnet \"{text}\"");

    private static IPNetwork NextFreeSubnet(List<IPNetwork> taken)
    {
        for (var i = 0u; i < 256; i++)
        {
            var candidate = new IPNetwork(FromUInt(ToUInt(DynamicRange.BaseAddress) + (i << 8)), 24);
            if (!taken.Any(t => Overlap(t, candidate))) return candidate;
        }
        throw BerthException.Unavailable($"no free /24 left in {DynamicRange}");
    }

    private static uint OffsetIn(IPNetwork subnet, string address)
    {
        if (!IPAddress.TryParse(address.Split('/')[0], out var parsed)) throw BerthException.Invalid($"invalid address \"{address}\"");
        if (!subnet.Contains(parsed)) throw BerthException.Invalid($"address {address} is out of the pool's range {subnet}");
        return ToUInt(parsed) - ToUInt(subnet.BaseAddress);
    }

    /// <summary>Neither the network address nor the broadcast address (for subnets that have them).</summary>
    private static bool IsUsable(IPNetwork subnet, uint offset) => subnet.PrefixLength >= 31 || (offset != 0 && offset != Size(subnet) - 1);

    private static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static long Size(IPNetwork subnet) => 1L << (32 - subnet.PrefixLength);

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static IPAddress FromUInt(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
