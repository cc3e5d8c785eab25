using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Logging;
using Berth.Sdk.Network;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Plugins.V1;

/// <summary>
/// Docker v1 plugins by name, activated lazily on first use as in moby: a name is located (socket or spec file) when a
/// driver is looked up, and <c>Plugin.Activate</c> runs on the first call. A failed activation is not remembered, so
/// the next use tries again. Callers get local objects implementing the SDK contracts (<see cref="Client{T}"/>), the
/// same as for Berth's own plugins.
/// </summary>
public sealed class V1PluginRegistry : IDisposable
{
    /// <summary>Driver ids of v1 plugins are <c>v1:&lt;name&gt;</c>; Berth plugin ids are 64 hex digits, so they never collide.</summary>
    public const string IdPrefix = "v1:";

    private readonly V1PluginDiscovery discovery;
    private readonly Func<TimeSpan> callTimeout;
    private readonly TimeProvider time;
    private readonly Func<V1PluginAddress, HttpMessageHandler> handlers;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Task<V1Plugin>> activations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Plugin> activated = new(StringComparer.Ordinal);

    /// <param name="handlers">Makes the HTTP handler for an address; tests pass an in-memory one.</param>
    public V1PluginRegistry(V1PluginDiscovery discovery, Func<TimeSpan> callTimeout, TimeProvider time, Func<V1PluginAddress, HttpMessageHandler>? handlers = null)
    {
        this.discovery = discovery ?? throw new ArgumentNullException(nameof(discovery));
        this.callTimeout = callTimeout ?? throw new ArgumentNullException(nameof(callTimeout));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.handlers = handlers ?? V1Transport.CreateHandler;
    }

    public static bool IsV1Id(string? id) => id is not null && id.StartsWith(IdPrefix, StringComparison.Ordinal);

    public static string IdOf(string name) => IdPrefix + name;

    public static string NameOf(string id) => IsV1Id(id) ? id[IdPrefix.Length..] : throw new ArgumentException($"{id} is not a v1 plugin id", nameof(id));

    /// <summary>Where a plugin of that name is, or null; does not activate it.</summary>
    public V1PluginAddress? Locate(string name) => discovery.Locate(name);

    /// <summary>
    /// The id of the v1 plugin that may serve <paramref name="driverName"/> of <paramref name="kind"/>: it exists, and if
    /// it was activated already it implements the kind. Null otherwise (and for kinds v1 plugins cannot serve).
    /// </summary>
    public string? FindDriverId(ProtocolId kind, string driverName)
    {
        var iface = V1Interfaces.Of(kind);
        if (iface is null || !V1PluginDiscovery.IsPluginName(driverName)) return null;
        lock (gate)
        {
            if (activated.TryGetValue(driverName, out var known))
                return known.Implements.Contains(iface) ? IdOf(driverName) : null;
        }
        try
        {
            return Locate(driverName) is null ? null : IdOf(driverName);
        }
        catch (BerthException)
        {
            return IdOf(driverName); // a broken spec file: the first call reports why
        }
    }

    /// <summary>A local object implementing the contract whose calls go to the v1 plugin <paramref name="id"/>.</summary>
    public T Client<T>(string id) where T : class
    {
        var name = NameOf(id);
        object client = typeof(T) switch
        {
            var t when t == typeof(ILogDriver) => new V1LogDriver(this, name),
            var t when t == typeof(INetworkDriver) => new V1NetworkDriver(this, name),
            var t when t == typeof(IIpamDriver) => new V1IpamDriver(this, name),
            _ => throw BerthException.NotImplemented($"Docker v1 plugins cannot serve {typeof(T).Name}"),
        };
        return (T)client;
    }

    /// <summary>The client of the plugin, activated on first use, checked to implement <paramref name="iface"/>.</summary>
    /// <exception cref="BerthException">Not found (404), does not implement the interface (404), or activation failed.</exception>
    public async Task<V1PluginClient> GetAsync(string name, string iface, CancellationToken cancellationToken)
    {
        Task<V1Plugin> activation;
        lock (gate)
        {
            if (!activations.TryGetValue(name, out activation!) || activation.IsFaulted || activation.IsCanceled)
            {
                // Shared by concurrent first callers, so it runs to its own deadline rather than to one caller's token.
                activation = ActivateAsync(name);
                activations[name] = activation;
            }
        }
        var plugin = await activation.WaitAsync(cancellationToken).ConfigureAwait(false);
        return plugin.Require(iface);
    }

    private async Task<V1Plugin> ActivateAsync(string name)
    {
        await Task.Yield(); // outside the lock
        var address = Locate(name) ?? throw BerthException.NotFound($"plugin \"{name}\" not found");
        var client = new V1PluginClient(address, handlers(address), callTimeout, time);
        try
        {
            var plugin = await V1Activation.ActivateAsync(client, CancellationToken.None).ConfigureAwait(false);
            lock (gate) activated[name] = plugin;
            return plugin;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var plugin in activated.Values) plugin.Client.Dispose();
            activated.Clear();
            activations.Clear();
        }
    }
}
