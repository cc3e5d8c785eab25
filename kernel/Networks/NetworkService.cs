using System.Security.Cryptography;
using System.Text.Json;
using Berth.Kernel.Events;
using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Network;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Networks;

/// <summary>
/// Networks as moby's libnetwork controller keeps them: the predefined bridge, host and none, user-defined networks
/// through their driver and IPAM plugins, Docker's messages and events. Containers' endpoints are tracked here so a
/// network in use cannot be removed.
/// </summary>
public sealed partial class NetworkService
{
    public const string LocalAddressSpace = "LocalDefault";
    private const string GatewayRequest = "com.docker.network.gateway";

    private readonly NetworkStore store;
    private readonly INetworkDrivers drivers;
    private readonly EventsService events;
    private readonly TimeProvider time;
    private readonly AsyncLock changes = new();
    private readonly Lock gate = new();
    private readonly Dictionary<string, NetworkRecord> networks = new(StringComparer.Ordinal);
    private TaskCompletionSource? predefined;

    public NetworkService(NetworkStore store, IEnumerable<NetworkRecord> loaded, INetworkDrivers drivers, EventsService events, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(loaded);
        this.store = store;
        this.drivers = drivers;
        this.events = events;
        this.time = time;
        foreach (var network in loaded) networks[network.Id] = network;
    }

    /// <summary>
    /// The daemon serves its API before the plugins run: from now until <see cref="PredefinedReady"/>, callers of
    /// <see cref="WhenReadyAsync"/> wait for the predefined networks and the restored containers' endpoints, so a
    /// <c>docker run</c> right after the start does not find "network bridge not found" and inspect lists every endpoint.
    /// </summary>
    public void AwaitPredefined() => predefined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The predefined networks are there and the containers restored (or that failed: callers then get the usual errors).</summary>
    public void PredefinedReady() => predefined?.TrySetResult();

    /// <summary>Waits, at most a minute, for the predefined networks when the daemon is still starting its plugins.</summary>
    public async Task WhenReadyAsync(CancellationToken cancellationToken)
    {
        if (predefined is not { Task.IsCompleted: false } pending) return;
        try
        {
            await pending.Task.WaitAsync(TimeSpan.FromMinutes(1), time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Serilog.Log.Warning("the predefined networks are still not there a minute after start");
        }
    }

    public IReadOnlyList<NetworkRecord> List()
    {
        lock (gate) return [.. networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    /// <summary>By full id, exact name, or unique id prefix, as Docker resolves network references.</summary>
    public NetworkRecord Get(string reference) => Find(reference) ?? throw BerthException.NotFound($"network {reference} not found");

    public NetworkRecord? Find(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        lock (gate)
        {
            if (networks.TryGetValue(reference, out var byId)) return byId;
            var byName = networks.Values.FirstOrDefault(n => n.Name == reference);
            if (byName is not null) return byName;
            var prefixed = networks.Values.Where(n => n.Id.StartsWith(reference, StringComparison.Ordinal)).Take(2).ToList();
            if (prefixed.Count > 1) throw BerthException.Invalid($"network {reference} is ambiguous ({prefixed.Count} matches found based on ID prefix)");
            return prefixed.SingleOrDefault();
        }
    }

    /// <summary><c>docker network create</c>: pools and gateway from IPAM, then the driver; undone step by step on failure.</summary>
    public async Task<(NetworkRecord Network, string? Warning)> CreateAsync(NetworkCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        NetworkNames.Validate(request.Name);
        var driver = string.IsNullOrEmpty(request.Driver) ? NetworkNames.Bridge : request.Driver;
        if (NetworkNames.IsBuiltinDriver(driver))
            throw BerthException.Forbidden($"only one instance of \"{driver}\" network is allowed");
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        if (FindByName(request.Name) is { } existing)
            throw BerthException.Conflict($"network with name {request.Name} already exists");
        var record = await BuildAsync(NewId(), driver, request, cancellationToken).ConfigureAwait(false);
        await SaveNewAsync(record, cancellationToken).ConfigureAwait(false);
        return (record, null);
    }

    /// <summary><c>docker network rm</c>: refused for predefined networks and networks with endpoints.</summary>
    public async Task RemoveAsync(string reference, CancellationToken cancellationToken)
    {
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        var network = Get(reference);
        if (network.Predefined) throw BerthException.Forbidden($"{network.Name} is a pre-defined network and cannot be removed");
        if (EndpointsOf(network.Id).Count > 0)
            throw BerthException.Forbidden($"error while removing network: network {network.Name} id {network.Id} has active endpoints");
        await TearDownAsync(network, cancellationToken).ConfigureAwait(false);
        store.Delete(network.Id);
        lock (gate) networks.Remove(network.Id);
        Publish(network, "destroy");
    }

    /// <summary><c>docker network prune</c>: every user-defined network without endpoints that the filters select.</summary>
    public async Task<IReadOnlyList<string>> PruneAsync(Func<NetworkRecord, bool> selected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var removed = new List<string>();
        foreach (var network in List().Where(n => !n.Predefined && selected(n) && EndpointsOf(n.Id).Count == 0))
        {
            try
            {
                await RemoveAsync(network.Id, cancellationToken).ConfigureAwait(false);
                removed.Add(network.Name);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("prune: could not remove network {Name}: {Message}", network.Name, ex.Message);
            }
        }
        if (removed.Count > 0) events.Publish("network", "prune", "", new Dictionary<string, string> { ["reclaimed"] = "0" });
        return removed;
    }

    private async Task<NetworkRecord> BuildAsync(string id, string driver, NetworkCreateRequest request, CancellationToken cancellationToken)
    {
        var network = drivers.Network(driver);
        var ipamDriverName = string.IsNullOrEmpty(request.IpamDriver) ? "default" : request.IpamDriver;
        var ipam = drivers.Ipam(ipamDriverName);
        var pools = new List<IpamPool>();
        try
        {
            var configs = request.IpamConfig.Count > 0 ? request.IpamConfig : [new IpamConfigRequest(null, null, null)];
            foreach (var config in configs) pools.Add(await RequestPoolAsync(ipam, config, request.IpamOptions, cancellationToken).ConfigureAwait(false));
            await network.CreateNetworkAsync(new CreateNetworkRequest(id, DriverOptions(request), [.. pools.Where(p => !p.V6).Select(IpamData)], [.. pools.Where(p => p.V6).Select(IpamData)]), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleasePoolsAsync(ipam, pools).ConfigureAwait(false);
            throw;
        }
        return new NetworkRecord
        {
            Id = id,
            Name = request.Name,
            Driver = driver,
            Created = time.GetUtcNow(),
            EnableIPv6 = request.EnableIPv6,
            IpamDriver = ipamDriverName,
            IpamOptions = request.IpamOptions,
            Pools = pools,
            Internal = request.Internal,
            Attachable = request.Attachable,
            Ingress = request.Ingress,
            Options = request.Options,
            Labels = request.Labels,
        };
    }

    private static async Task<IpamPool> RequestPoolAsync(IIpamDriver ipam, IpamConfigRequest config, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        var v6 = config.Subnet?.Contains(':', StringComparison.Ordinal) ?? false;
        if (!string.IsNullOrEmpty(config.Gateway) && string.IsNullOrEmpty(config.Subnet))
            throw BerthException.Invalid("auxiliary addresses and gateway require a subnet");
        // As libnetwork: the pool comes from the driver's own local address space (the default driver's is LocalDefault).
        var space = (await ipam.GetDefaultAddressSpacesAsync(cancellationToken).ConfigureAwait(false)).LocalDefaultAddressSpace;
        var pool = await ipam.RequestPoolAsync(new RequestPoolRequest(space, NullIfEmpty(config.Subnet), NullIfEmpty(config.IPRange), options, v6), cancellationToken).ConfigureAwait(false);
        try
        {
            var gateway = await ipam.RequestAddressAsync(
                new RequestAddressRequest(pool.PoolId, NullIfEmpty(config.Gateway), new Dictionary<string, string> { ["RequestAddressType"] = GatewayRequest }),
                cancellationToken).ConfigureAwait(false);
            return new IpamPool(pool.Pool, NullIfEmpty(config.IPRange), StripPrefix(gateway.Address), pool.PoolId, v6, space);
        }
        catch
        {
            await ipam.ReleasePoolAsync(pool.PoolId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task TearDownAsync(NetworkRecord network, CancellationToken cancellationToken)
    {
        if (NetworkNames.IsBuiltinDriver(network.Driver)) return;
        await drivers.Network(network.Driver).DeleteNetworkAsync(network.Id, cancellationToken).ConfigureAwait(false);
        await ReleasePoolsAsync(drivers.Ipam(network.IpamDriver), network.Pools).ConfigureAwait(false);
    }

    private static async Task ReleasePoolsAsync(IIpamDriver ipam, IEnumerable<IpamPool> pools)
    {
        foreach (var pool in pools)
        {
            try
            {
                if (pool.Gateway is { } gateway) await ipam.ReleaseAddressAsync(pool.PoolId, gateway, CancellationToken.None).ConfigureAwait(false);
                await ipam.ReleasePoolAsync(pool.PoolId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("releasing pool {Pool}: {Message}", pool.PoolId, ex.Message);
            }
        }
    }

    private async Task SaveNewAsync(NetworkRecord record, CancellationToken cancellationToken)
    {
        await store.SaveAsync(record, cancellationToken).ConfigureAwait(false);
        lock (gate) networks[record.Id] = record;
        Publish(record, "create");
    }

    private NetworkRecord? FindByName(string name)
    {
        lock (gate) return networks.Values.FirstOrDefault(n => n.Name == name);
    }

    /// <summary>libnetwork's remote-driver options: driver <c>--opt</c>s under <c>com.docker.network.generic</c>.</summary>
    private static IReadOnlyDictionary<string, JsonElement> DriverOptions(NetworkCreateRequest request) => new Dictionary<string, JsonElement>
    {
        ["com.docker.network.generic"] = JsonSerializer.SerializeToElement(request.Options),
        ["com.docker.network.enable_ipv6"] = JsonSerializer.SerializeToElement(request.EnableIPv6),
        ["com.docker.network.internal"] = JsonSerializer.SerializeToElement(request.Internal),
    };

    private static IpamData IpamData(IpamPool pool) =>
        new(pool.AddressSpace ?? LocalAddressSpace, pool.Subnet, pool.Gateway is null ? null : $"{pool.Gateway}/{pool.Subnet.Split('/')[1]}", null);

    private void Publish(NetworkRecord network, string action) =>
        events.Publish("network", action, network.Id, new Dictionary<string, string> { ["name"] = network.Name, ["type"] = network.Driver });

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string StripPrefix(string address)
    {
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? address : address[..slash];
    }
}
