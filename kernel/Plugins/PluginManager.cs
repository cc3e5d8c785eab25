using System.Security.Cryptography;
using Berth.Kernel.Config;
using Berth.Kernel.Events;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Berth.Sdk.Hosting.Packages;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;
using Microsoft.Extensions.Logging;

namespace Berth.Kernel.Plugins;

/// <summary>
/// The plugin registry: installed packages, their supervisors, and the lifecycle verbs of
/// <c>docker plugin create | enable | disable | set | upgrade | rm</c>. Operations are serialized;
/// readers see immutable snapshots.
/// </summary>
public sealed partial class PluginManager(
    PluginStore store,
    IPluginProcessLauncher launcher,
    IKernelHost kernel,
    EventsService events,
    DaemonConfigHolder config,
    TimeProvider time,
    ILoggerFactory loggers,
    V1PluginRegistry? v1Plugins = null) : IAsyncDisposable
{
    /// <summary>Docker v1 plugins (sockets in /run/docker/plugins, spec files): driver names no installed plugin answers to.</summary>
    private readonly V1PluginRegistry v1 = v1Plugins ?? new V1PluginRegistry(V1PluginDiscovery.Default, () => config.Current.PluginCallTimeout, time);

    /// <summary>Kinds whose plugin starts on first use rather than at daemon start (memory: an idle swarm backend costs a process).</summary>
    private static readonly HashSet<string> LazyKinds = [Protocols.Cluster.Kind];

    private readonly SemaphoreSlim operations = new(1, 1);
    private readonly ILogger logger = loggers.CreateLogger("plugins");
    private readonly Lock gate = new();
    private Dictionary<string, PluginEntry> entries = new(StringComparer.Ordinal);
    private int disposed;
    private Task? startup;

    public IReadOnlyList<PluginEntry> List()
    {
        lock (gate) return entries.Values.OrderBy(e => e.Plugin.Name, StringComparer.Ordinal).ToList();
    }

    public PluginTimeouts Timeouts
    {
        get
        {
            var c = config.Current;
            var activation = c.PluginCallTimeout > TimeSpan.FromSeconds(15) ? c.PluginCallTimeout : TimeSpan.FromSeconds(15);
            var ping = c.PluginHealthInterval < TimeSpan.FromSeconds(5) ? c.PluginHealthInterval : TimeSpan.FromSeconds(5);
            return new PluginTimeouts(c.PluginCallTimeout, activation, c.PluginHealthInterval, ping);
        }
    }

    /// <summary>Loads the store and installs bundled packages that are not installed yet. Starts nothing.</summary>
    public async Task LoadAsync(string bundledDirectory, CancellationToken cancellationToken)
    {
        foreach (var (plugin, package, error) in store.LoadAll())
        {
            if (error is not null) LogBroken(logger, plugin.Name, error);
            Put(new PluginEntry(plugin, package, error, null));
        }
        await InstallBundledAsync(bundledDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts every enabled plugin except lazily started kinds, in parallel; a failure is reported and retried, not fatal.</summary>
    public Task StartEnabledAsync(CancellationToken cancellationToken)
    {
        var starts = new List<Task>();
        foreach (var entry in List().Where(e => e.Plugin.Enabled && e.Package is not null && !e.Package.Protocols.All(p => LazyKinds.Contains(p.Kind))))
        {
            PluginSupervisor supervisor;
            bool created;
            try
            {
                (supervisor, created) = AttachSupervisor(entry.Plugin.Id);
            }
            catch (BerthException)
            {
                continue; // disabled or removed meanwhile
            }
            if (created) starts.Add(supervisor.StartAsync(throwOnFailure: false, cancellationToken));
        }
        var all = Task.WhenAll(starts);
        lock (gate) startup = all;
        return all;
    }

    private async Task InstallBundledAsync(string bundledDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(bundledDirectory)) return;
        foreach (var dir in Directory.EnumerateDirectories(bundledDirectory).Order(StringComparer.Ordinal))
        {
            PluginPackage package;
            try
            {
                package = PluginPackage.Load(dir, PluginStore.SupportedMajors);
            }
            catch (BerthException ex)
            {
                LogBroken(logger, Path.GetFileName(dir), ex.Message);
                continue;
            }
            var name = PluginNames.Normalize(package.Config.Berth?.Name ?? Path.GetFileName(dir));
            var installed = List().FirstOrDefault(e => e.Plugin.Name == name);
            if (installed is not null)
            {
                await RefreshBundledAsync(installed, package, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var id = NewId();
            var stored = store.AddVersion(id, package, move: false);
            var record = new InstalledPlugin(id, name, Enabled: true, stored.Version, BundledReference(name, stored.Version), [], time.GetUtcNow());
            await store.SaveAsync(record, cancellationToken).ConfigureAwait(false);
            Put(new PluginEntry(record, stored, null, null));
            Publish(record, "install");
            Publish(record, "enable");
        }
    }

    /// <summary>
    /// A berthd release ships newer bundled packages: a bundled plugin the user has not replaced moves to the
    /// shipped version (the old one stays beside it). Nothing is running yet at this point.
    /// </summary>
    private async Task RefreshBundledAsync(PluginEntry installed, PluginPackage shipped, CancellationToken cancellationToken)
    {
        var record = installed.Plugin;
        if (!record.PluginReference.StartsWith(BundledPrefix, StringComparison.Ordinal)) return;
        if (!(CoreVersion(shipped.Version) > CoreVersion(record.ActiveVersion))) return;
        var stored = store.AddVersion(record.Id, shipped, move: false);
        var updated = record with { ActiveVersion = stored.Version, PluginReference = BundledReference(record.Name, stored.Version) };
        await store.SaveAsync(updated, cancellationToken).ConfigureAwait(false);
        Put(installed with { Plugin = updated, Package = stored, Error = null });
        Publish(updated, "upgrade", new Dictionary<string, string> { ["version"] = stored.Version, ["from"] = record.ActiveVersion });
    }

    private const string BundledPrefix = "bundled/";

    private static string BundledReference(string name, string version) => $"{BundledPrefix}{PluginNames.Repository(name)}:{version}";

    private static Version? CoreVersion(string version) =>
        Version.TryParse(version.Split('-', '+')[0], out var v) ? v : null;

    /// <summary>Finds a plugin by name (tag defaults to latest), full id or unique id prefix.</summary>
    /// <exception cref="BerthException">Not found (404) or ambiguous (400).</exception>
    public PluginEntry Get(string nameOrId)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        var all = List();
        string? normalized = null;
        try
        {
            normalized = PluginNames.Normalize(nameOrId);
        }
        catch (BerthException)
        {
            // Not a name; maybe an id.
        }
        var byName = all.FirstOrDefault(e => e.Plugin.Name == normalized);
        if (byName is not null) return byName;
        var byId = all.Where(e => e.Plugin.Id.StartsWith(nameOrId, StringComparison.Ordinal)).ToList();
        if (byId.Count == 1 && nameOrId.Length > 0) return byId[0];
        if (byId.Count > 1) throw BerthException.Invalid($"multiple plugins found with id prefix {nameOrId}");
        throw BerthException.NotFound($"plugin \"{nameOrId}\" not found");
    }

    /// <summary>
    /// The plugin serving driver <paramref name="driverName"/> of a kind: an enabled one before a disabled one (a plugin
    /// staged for an upgrade may carry the same alias), else the first by name.
    /// </summary>
    public PluginEntry? FindDriver(ProtocolId kind, string driverName)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var matches = List().Where(e => e.Implements(kind.Kind) && e.AnswersTo(driverName)).ToList();
        return matches.FirstOrDefault(e => e.Plugin.Enabled) ?? matches.FirstOrDefault();
    }

    /// <exception cref="ConfigException">No installed plugin provides the driver; the message lists those that do.</exception>
    public PluginEntry RequireDriver(string configKey, ProtocolId kind, string driverName)
    {
        var entry = FindDriver(kind, driverName);
        if (entry is not null) return entry;
        var offered = List().Where(e => e.Implements(kind.Kind))
            .Select(e => $"{e.DriverName} (plugin {e.Plugin.Name})").ToList();
        throw new ConfigException($"invalid value for \"{configKey}\": no installed plugin provides the {kind.Kind} \"{driverName}\"; installed: "
            + (offered.Count == 0 ? "none" : string.Join(", ", offered)));
    }

    /// <summary>
    /// The id of what serves driver <paramref name="driverName"/> of a kind: an enabled Berth plugin, else a Docker v1
    /// plugin of that name (<c>v1:&lt;name&gt;</c>, activated on its first call). Null when neither exists.
    /// </summary>
    public string? FindDriverId(ProtocolId kind, string driverName) =>
        FindDriver(kind, driverName)?.Plugin.Id ?? v1.FindDriverId(kind, driverName);

    /// <summary>Where a Docker v1 plugin of that name is, or null (it is not activated).</summary>
    public V1PluginAddress? LocateV1Plugin(string name) => v1.Locate(name);

    /// <summary>
    /// A local object implementing <typeparamref name="T"/> whose calls go to the plugin's process, or to the Docker v1
    /// plugin when <paramref name="pluginId"/> is one (<see cref="FindDriverId"/>).
    /// </summary>
    public T Client<T>(string pluginId) where T : class => V1PluginRegistry.IsV1Id(pluginId)
        ? v1.Client<T>(pluginId)
        : PluginContractProxy<T>.Create(() => ServingSupervisor(pluginId));

    /// <summary>The supervisor of an enabled plugin, started on first use for lazily started kinds.</summary>
    public PluginSupervisor ServingSupervisor(string pluginId)
    {
        var (supervisor, created) = AttachSupervisor(pluginId);
        if (created) _ = supervisor.StartAsync(throwOnFailure: false, CancellationToken.None);
        return supervisor;
    }

    /// <summary>
    /// Stops a lazily started plugin's process while it stays enabled: the next call starts it again (the cluster
    /// backend once the node leaves its swarm).
    /// </summary>
    public async Task StopUntilNextUseAsync(string pluginId)
    {
        PluginSupervisor? supervisor;
        lock (gate)
        {
            if (!entries.TryGetValue(pluginId, out var entry) || entry.Supervisor is null) return;
            supervisor = entry.Supervisor;
            SetLocked(entry with { Supervisor = null });
        }
        await supervisor.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Returns the plugin's supervisor, recording a new (not yet started) one if it has none, in one locked step.</summary>
    private (PluginSupervisor Supervisor, bool Created) AttachSupervisor(string pluginId)
    {
        lock (gate)
        {
            if (disposed != 0) throw BerthException.Unavailable("berthd is shutting down");
            if (!entries.TryGetValue(pluginId, out var entry)) throw BerthException.NotFound($"plugin {pluginId} not found");
            if (!entry.Plugin.Enabled) throw BerthException.Unavailable($"plugin {entry.Plugin.Name} is disabled");
            if (entry.Supervisor is not null) return (entry.Supervisor, false);
            if (entry.Package is null) throw BerthException.Unavailable($"plugin {entry.Plugin.Name} is broken: {entry.Error}");
            var supervisor = NewSupervisor(entry.Plugin, entry.Package);
            SetLocked(entry with { Supervisor = supervisor });
            return (supervisor, true);
        }
    }

    /// <summary>Starts a supervisor for an entry being enabled; it is recorded only once its process answers.</summary>
    private async Task<PluginEntry> StartSupervisorAsync(PluginEntry entry, CancellationToken cancellationToken)
    {
        var supervisor = NewSupervisor(entry.Plugin, entry.Package!);
        try
        {
            await supervisor.StartAsync(throwOnFailure: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var started = entry with { Supervisor = supervisor };
        Put(started);
        // Its first serving came before it was recorded, when calls to it still failed as disabled: announce it now.
        PluginServing?.Invoke(entry.Plugin.Id);
        return started;
    }

    /// <summary>Raised with the plugin id whenever a plugin process starts serving (replay hooks for the state it holds).</summary>
    public event Action<string>? PluginServing;

    private PluginSupervisor NewSupervisor(InstalledPlugin plugin, PluginPackage package)
    {
        var supervisor = new PluginSupervisor(LaunchSpec(plugin, package), package.Protocols, launcher, kernel, () => Timeouts, time,
            loggers.CreateLogger($"plugin/{plugin.Name}"), (action, attributes) => Publish(plugin, action, attributes));
        supervisor.Serving += () =>
        {
            if (IsRecorded(plugin.Id, supervisor))
                PluginServing?.Invoke(plugin.Id);
        };
        return supervisor;
    }

    private bool IsRecorded(string pluginId, PluginSupervisor supervisor)
    {
        lock (gate)
            return entries.TryGetValue(pluginId, out var entry) && ReferenceEquals(entry.Supervisor, supervisor);
    }

    private PluginLaunchSpec LaunchSpec(InstalledPlugin plugin, PluginPackage package)
    {
        var env = package.Config.Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value!, StringComparer.Ordinal);
        foreach (var setting in plugin.Env)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) env[setting[..eq]] = setting[(eq + 1)..];
        }
        return new PluginLaunchSpec(plugin.Name, package.Version, package.Directory, store.StateDirectory(plugin.Id), env);
    }

    private void Put(PluginEntry entry)
    {
        lock (gate) SetLocked(entry);
    }

    // Copy-on-write: List() hands out snapshots while the registry changes.
    private void SetLocked(PluginEntry entry) =>
        entries = new Dictionary<string, PluginEntry>(entries, StringComparer.Ordinal) { [entry.Plugin.Id] = entry };

    /// <summary>Changes an entry from its current value in one locked step; returns what it was.</summary>
    private PluginEntry Swap(string id, Func<PluginEntry, PluginEntry?> change)
    {
        lock (gate)
        {
            var old = entries.TryGetValue(id, out var e) ? e : throw BerthException.NotFound($"plugin {id} not found");
            var next = change(old);
            if (next is null)
            {
                var without = new Dictionary<string, PluginEntry>(entries, StringComparer.Ordinal);
                without.Remove(id);
                entries = without;
            }
            else
            {
                SetLocked(next);
            }
            return old;
        }
    }

    private void Publish(InstalledPlugin plugin, string action, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = plugin.Name };
        foreach (var (key, value) in attributes ?? new Dictionary<string, string>()) all[key] = value;
        events.Publish("plugin", action, plugin.Id, all);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private async Task<T> SerializedAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        finally
        {
            operations.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // berthd stops the plugins itself before the service container disposes this again.
        Task? starting;
        lock (gate)
        {
            if (disposed != 0) return;
            disposed = 1;
            starting = startup;
        }
        await operations.WaitAsync().ConfigureAwait(false); // let a running verb finish; none starts after this
        if (starting is not null) await starting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(List().Where(e => e.Supervisor is not null).Select(e => e.Supervisor!.DisposeAsync().AsTask())).ConfigureAwait(false);
        v1.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin {Name} is broken: {Error}")]
    private static partial void LogBroken(ILogger logger, string name, string error);
}
