using System.Globalization;
using System.Net;
using Berth.Sdk;
using Berth.Sdk.Ipam;

namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>
/// libnetwork's "default" IPAM driver (moby's ipams/defaultipam): address spaces LocalDefault and GlobalDefault,
/// pools given as CIDR or taken from moby's predefined pools, and addresses handed out of them. Unlike moby's, the
/// state survives a restart: every change is written to <see cref="IpamStateFile"/> before the call returns (a change
/// that cannot be written is undone and the call fails). All calls are serialised by one lock.
/// </summary>
public sealed class DefaultIpam : IIpamDriver
{
    public const string LocalAddressSpace = "LocalDefault";
    public const string GlobalAddressSpace = "GlobalDefault";

    /// <summary>Option key of RequestAddress naming what the address is for (moby's ipamapi.RequestAddressType).</summary>
    public const string RequestAddressTypeOption = "RequestAddressType";

    /// <summary>RequestAddressType of the network's gateway (moby's netlabel.Gateway).</summary>
    public const string GatewayAddressType = "com.docker.network.gateway";

    /// <summary>"true" asks for round-robin allocation (moby's ipamapi.AllocSerialPrefix), on the pool or on an address request.</summary>
    public const string SerialOption = "com.docker.network.ipam.serial";

    private readonly Lock gate = new();
    private readonly Dictionary<PoolKey, IpamPool> pools = [];
    private readonly IpamStateFile? stateFile;
    private readonly Func<IReadOnlyList<(IPAddress Network, int Prefix)>> hostRoutes;
    private readonly BerthException? loadFailure;

    /// <param name="stateDirectory">Where <c>ipam.json</c> lives; null keeps the state in memory only.</param>
    /// <param name="hostRoutes">The host's routes, which predefined pools must not overlap; <see cref="HostRoutes.Read()"/> by default.</param>
    /// <param name="log">Where to report a state file that cannot be read.</param>
    public DefaultIpam(string? stateDirectory, Func<IReadOnlyList<(IPAddress Network, int Prefix)>>? hostRoutes = null, TextWriter? log = null)
    {
        this.hostRoutes = hostRoutes ?? HostRoutes.Read;
        if (stateDirectory is null) return;
        stateFile = new IpamStateFile(stateDirectory);
        try
        {
            foreach (var pool in stateFile.Load()) pools[pool.Key] = pool;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // The network half of the plugin keeps working; every IPAM call reports the broken state instead of
            // handing out addresses that may already be in use.
            pools.Clear();
            loadFailure = new BerthException(BerthErrorKind.System, $"bridge-net IPAM: cannot load its state: {ex.Message}", ex);
            log?.WriteLine(loadFailure.Message);
        }
    }

    public Task<IpamCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IpamCapabilities(RequiresMACAddress: false, RequiresRequestReplay: false));

    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AddressSpaces(LocalAddressSpace, GlobalAddressSpace));

    public Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken) =>
        RunAsync(() => RequestPool(request));

    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) =>
        RunAsync(() => ReleasePool(poolId));

    public Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken) =>
        RunAsync(() => RequestAddress(request));

    public Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken) =>
        RunAsync(() => ReleaseAddress(poolId, address));

    /// <summary>The work is quick and synchronous; failures come back as a faulted task, as from an async method.</summary>
    private static Task<T> RunAsync<T>(Func<T> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private static Task RunAsync(Action work) => RunAsync(() =>
    {
        work();
        return true;
    });

    private RequestPoolResponse RequestPool(RequestPoolRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var space = request.AddressSpace;
        if (string.IsNullOrEmpty(space)) throw BerthException.Invalid("invalid address space");
        if (space is not (LocalAddressSpace or GlobalAddressSpace)) throw BerthException.Invalid($"cannot find address space {space}");
        var poolText = NullIfEmpty(request.Pool);
        var subText = NullIfEmpty(request.SubPool);
        var serial = IsTrue(request.Options, SerialOption);

        if (poolText is null)
        {
            if (subText is not null) throw BerthException.Invalid($"invalid address subpool: {subText} is given without a pool");
            if (request.V6) throw BerthException.Invalid("no default IPv6 pools: an IPv6 network needs an explicit subnet");
        }

        var subnet = default(Subnet);
        Subnet? subPool = null;
        if (poolText is not null)
        {
            subnet = ParseCidr(poolText);
            if (subText is not null)
            {
                var sub = ParseCidr(subText);
                if (sub.IsV6 != subnet.IsV6) throw BerthException.Invalid("pool and subpool are of incompatible address families");
                if (!subnet.Contains(sub)) throw BerthException.Invalid($"invalid address subpool: {sub} is not within pool {subnet}");
                subPool = sub;
            }
        }

        lock (gate)
        {
            ThrowIfBroken();
            if (poolText is null) subnet = PickPredefined(space);
            var id = new PoolId(space, subnet, subPool);

            if (pools.TryGetValue(id.Key, out var existing))
            {
                // Moby: the same pool again is an overlap, but another sub-pool of a pool shares it.
                if (subPool is not { } newSub || existing.SubPools.Contains(newSub)) throw PoolOverlap();
                var wasSerial = existing.Serial;
                existing.SubPools.Add(newSub);
                existing.Serial |= serial;
                Commit(() =>
                {
                    existing.SubPools.Remove(newSub);
                    existing.Serial = wasSerial;
                });
            }
            else
            {
                if (pools.Keys.Any(k => k.AddressSpace == space && k.Subnet.Overlaps(subnet))) throw PoolOverlap();
                var pool = IpamPool.Create(space, subnet);
                pool.Serial = serial;
                if (subPool is { } sub)
                {
                    pool.SubPools.Add(sub);
                    pool.AutoRelease = true; // created for the sub-pool: goes with its last sub-pool
                }
                pools.Add(pool.Key, pool);
                Commit(() => pools.Remove(pool.Key));
            }
            return new RequestPoolResponse(id.ToString(), subnet.ToString(), new Dictionary<string, string>());
        }
    }

    private void ReleasePool(string poolId)
    {
        var id = ParsePoolId(poolId);
        lock (gate)
        {
            ThrowIfBroken();
            if (!pools.TryGetValue(id.Key, out var pool) || (id.SubPool is { } sub && !pool.SubPools.Contains(sub)))
            {
                throw BerthException.NotFound($"address space does not contain specified address pool: {poolId}");
            }
            var wasAutoRelease = pool.AutoRelease;
            if (id.SubPool is { } released) pool.SubPools.Remove(released);
            else pool.AutoRelease = true;
            var removed = pool.SubPools.Count == 0 && pool.AutoRelease;
            if (removed) pools.Remove(pool.Key);
            Commit(() =>
            {
                if (id.SubPool is { } restored) pool.SubPools.Add(restored);
                pool.AutoRelease = wasAutoRelease;
                if (removed) pools.Add(pool.Key, pool);
            });
        }
    }

    private RequestAddressResponse RequestAddress(RequestAddressRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = ParsePoolId(request.PoolId);
        var wanted = NullIfEmpty(request.Address);
        IpValue? preferred = null;
        if (wanted is not null)
        {
            preferred = ParseAddress(wanted) ?? throw BerthException.Invalid($"invalid preferred address: {wanted}");
        }
        var isGateway = request.Options is not null
            && request.Options.TryGetValue(RequestAddressTypeOption, out var type) && type == GatewayAddressType;

        lock (gate)
        {
            ThrowIfBroken();
            var pool = FindPool(id);
            UInt128 offset;
            var previousLast = pool.LastAllocated;
            if (preferred is { } address)
            {
                // Moby takes a preferred address anywhere in the pool, also outside the sub-pool (static container
                // addresses and --aux-address outside --ip-range rely on it).
                if (!pool.Subnet.Contains(address)) throw OutOfRange();
                offset = pool.OffsetOf(address);
                if (!pool.Addresses.Add(offset)) throw BerthException.Forbidden("Address already in use");
            }
            else
            {
                // A gateway is the first free address of the whole pool; others come from the sub-pool if there is one,
                // the lowest free one, or the next one after the last handed out when the allocation is serial.
                var (from, to) = !isGateway && id.SubPool is { } sub ? pool.RangeOf(sub) : (UInt128.Zero, pool.Subnet.MaxOffset);
                var serial = !isGateway && (pool.Serial || IsTrue(request.Options, SerialOption));
                var found = serial && pool.LastAllocated is { } last && last != UInt128.MaxValue
                    ? pool.Addresses.TryFindFree(from, to, last + 1, out offset)
                    : pool.Addresses.TryFindFree(from, to, out offset);
                if (!found) throw BerthException.Unavailable("no available addresses on this pool");
                pool.Addresses.Add(offset);
                pool.LastAllocated = offset;
            }
            var taken = offset;
            Commit(() =>
            {
                pool.Addresses.Remove(taken);
                pool.LastAllocated = previousLast;
            });
            return new RequestAddressResponse(
                string.Create(CultureInfo.InvariantCulture, $"{pool.Subnet.AddressAt(offset)}/{pool.Subnet.Bits}"),
                new Dictionary<string, string>());
        }
    }

    private void ReleaseAddress(string poolId, string address)
    {
        var id = ParsePoolId(poolId);
        var value = ParseAddress(address) ?? throw BerthException.Invalid($"invalid address: {address}");
        lock (gate)
        {
            ThrowIfBroken();
            var pool = FindPool(id);
            if (!pool.Subnet.Contains(value)) throw OutOfRange();
            var offset = pool.OffsetOf(value);
            if (pool.Reserved.Contains(offset) || !pool.Addresses.Remove(offset)) return; // nothing to free
            Commit(() => pool.Addresses.Add(offset));
        }
    }

    /// <summary>Writes the state; when that fails, undoes the change just made in memory and fails the call.</summary>
    private void Commit(Action undo)
    {
        if (stateFile is null) return;
        try
        {
            stateFile.Save(pools.Values);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            undo();
            throw new BerthException(BerthErrorKind.System, $"bridge-net IPAM: cannot save its state to {stateFile.Path}: {ex.Message}", ex);
        }
    }

    private Subnet PickPredefined(string space)
    {
        var local = space == LocalAddressSpace;
        var taken = pools.Keys.Where(k => k.AddressSpace == space && !k.Subnet.IsV6).Select(k => k.Subnet).ToList();
        if (local)
        {
            // Like moby's reserved networks: never hand out a subnet the host already routes somewhere.
            foreach (var (network, prefix) in hostRoutes())
            {
                var value = IpValue.From(network);
                if (!value.IsV6 && prefix is >= 0 and <= 32) taken.Add(Subnet.Create(value, prefix));
            }
        }
        return PredefinedPools.FirstFree(local ? PredefinedPools.Local : PredefinedPools.Global, taken)
            ?? throw BerthException.Invalid("all predefined address pools have been fully subnetted");
    }

    private IpamPool FindPool(PoolId id)
    {
        if (!pools.TryGetValue(id.Key, out var pool) || (id.SubPool is { } sub && !pool.SubPools.Contains(sub)))
        {
            throw BerthException.NotFound($"cannot find address pool for poolID:{id}");
        }
        return pool;
    }

    private void ThrowIfBroken()
    {
        if (loadFailure is not null) throw new BerthException(loadFailure.Kind, loadFailure.Message, loadFailure);
    }

    private static PoolId ParsePoolId(string? poolId)
    {
        if (!PoolId.TryParse(poolId, out var id)) throw BerthException.Invalid($"invalid pool id: {poolId}");
        if (id.AddressSpace is not (LocalAddressSpace or GlobalAddressSpace)) throw BerthException.Invalid($"cannot find address space {id.AddressSpace}");
        return id;
    }

    private static Subnet ParseCidr(string text) =>
        Subnet.TryParse(text, out var subnet) ? subnet : throw BerthException.Invalid($"invalid CIDR address: {text}");

    /// <summary>"ip" or "ip/len" (the prefix length is ignored).</summary>
    private static IpValue? ParseAddress(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!Subnet.TryParse(text, out _)) return null;
            text = text[..slash];
        }
        return IpValue.TryParse(text, out var value) ? value : null;
    }

    private static BerthException PoolOverlap() =>
        BerthException.Forbidden("invalid pool request: Pool overlaps with other one on this address space");

    private static BerthException OutOfRange() => BerthException.Invalid("requested address is out of range");

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static bool IsTrue(IReadOnlyDictionary<string, string>? options, string key) =>
        options is not null && options.TryGetValue(key, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
