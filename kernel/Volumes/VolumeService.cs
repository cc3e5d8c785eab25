using Berth.Kernel.Events;
using Berth.Sdk;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Volumes;

/// <summary>
/// Named and anonymous volumes of the <c>local</c> driver, as moby's VolumesService over its local driver: create
/// (idempotent by name), inspect, list, remove and prune with Docker's messages and events, and the mount bookkeeping
/// containers need — a <c>type</c>/<c>device</c> volume is mounted on its <c>_data</c> for its first user and unmounted
/// after its last. Users are container ids; a volume is in use while a container references it (<see cref="IVolumeUsage"/>)
/// or holds it mounted.
/// </summary>
public sealed partial class VolumeService
{
    private readonly VolumeStore store;
    private readonly EventsService events;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly AsyncLock changes = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private Func<IVolumeUsage> usage = () => NoVolumeUsers.Instance;
    private Func<string, string?> locateDriverPlugin = _ => null;
    private int pruning;

    private VolumeService(VolumeStore store, IEnumerable<Volume> volumes, EventsService events, TimeProvider time)
    {
        this.store = store;
        this.events = events;
        this.time = time;
        foreach (var volume in volumes)
            entries[volume.Name] = new Entry(volume) { Mounted = volume.NeedsMount && Mountinfo.IsMountPoint(volume.Mountpoint) };
    }

    /// <param name="root"><c>&lt;data-root&gt;/volumes</c>.</param>
    public static async Task<VolumeService> LoadAsync(string root, EventsService events, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        var (store, volumes) = await VolumeStore.LoadAsync(root, cancellationToken).ConfigureAwait(false);
        return new VolumeService(store, volumes, events, time);
    }

    public string Root => store.Root;

    /// <summary>Where the service asks which containers reference a volume; resolved at each question, so it may be registered after this service.</summary>
    public void UseUsage(Func<IVolumeUsage> source) => usage = source ?? throw new ArgumentNullException(nameof(source));

    /// <summary>
    /// How to find a Docker v1 plugin by name (returning where it was found, or null): a volume driver name that is one
    /// gets a clear 501 naming what Berth lacks, instead of Docker's "plugin not found".
    /// </summary>
    public void UseDriverPlugins(Func<string, string?> locate) => locateDriverPlugin = locate ?? throw new ArgumentNullException(nameof(locate));

    /// <summary><c>docker volume create</c>: a new volume, or the existing one of that name (labels and options as first created).</summary>
    /// <param name="name">Null or empty for an anonymous volume (a random 64-hex name, labelled <c>com.docker.volume.anonymous</c>).</param>
    /// <param name="driver">Null, empty or <c>local</c>; any other is a missing plugin (404), or, when a Docker v1 plugin
    /// of that name exists, volume driver plugins not being supported (501).</param>
    /// <exception cref="BerthException">400 for a bad name or option, 404 for an unknown driver, 501 for a volume plugin.</exception>
    public async Task<Volume> CreateAsync(string? name, string? driver, IReadOnlyDictionary<string, string>? driverOpts,
        IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var anonymous = string.IsNullOrEmpty(name);
        if (anonymous) name = VolumeNames.NewAnonymousName();
        if (!string.IsNullOrEmpty(driver) && driver != VolumeNames.LocalDriver) throw UnsupportedDriver(name!, driver);
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        if (Find(name!) is { } existing) return existing;
        try
        {
            VolumeNames.Validate(name!);
            LocalDriverOptions.Validate(driverOpts);
        }
        catch (BerthException ex)
        {
            throw new BerthException(ex.Kind, $"create {name}: {ex.Message}", ex);
        }
        var allLabels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (anonymous) allLabels[VolumeNames.AnonymousLabel] = "";
        var options = new Dictionary<string, string>(driverOpts ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var createdAt = time.GetUtcNow();
        Volume volume;
        try
        {
            volume = await store.CreateAsync(name!, createdAt.AddTicks(-(createdAt.Ticks % TimeSpan.TicksPerSecond)), allLabels, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BerthException or IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ex is BerthException b ? b.Kind : BerthErrorKind.System, $"create {name}: {ex.Message}", ex);
        }
        lock (gate) entries[volume.Name] = new Entry(volume);
        events.Publish("volume", "create", volume.Name, DriverAttributes());
        return volume;
    }

    /// <summary>For a container's <c>-v name:/path</c> or <c>--mount type=volume</c>: the named volume, created if missing.</summary>
    public Task<Volume> GetOrCreateAsync(string name, string? driver, IReadOnlyDictionary<string, string>? driverOpts,
        IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return CreateAsync(name, driver, driverOpts, labels, cancellationToken);
    }

    /// <summary>For a container's <c>-v /path</c> or an image VOLUME: a new anonymous volume.</summary>
    public Task<Volume> CreateAnonymousAsync(CancellationToken cancellationToken) => CreateAsync(null, null, null, null, cancellationToken);

    /// <exception cref="BerthException">404 <c>get &lt;name&gt;: no such volume</c>.</exception>
    public Volume Get(string name) => Find(name) ?? throw NoSuchVolume(name);

    public Volume? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (gate) return entries.TryGetValue(name, out var entry) ? entry.Volume : null;
    }

    /// <summary>Volumes matching <c>docker volume ls</c> filters, by name.</summary>
    /// <exception cref="BerthException">400 for an unknown filter or a bad value.</exception>
    public IReadOnlyList<Volume> List(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null)
    {
        var matcher = VolumeFilters.ForList(filters);
        return [.. All().Where(v => matcher.Matches(v, Users(v.Name).Count > 0)).OrderBy(v => v.Name, StringComparer.Ordinal)];
    }

    /// <summary>Containers using the volume: those that reference it, then any other holding it mounted.</summary>
    public IReadOnlyList<string> Users(string name)
    {
        var referencing = usage().ContainersUsing(name);
        lock (gate)
        {
            if (!entries.TryGetValue(name, out var entry) || entry.Users.Count == 0) return referencing;
            return [.. referencing.Concat(entry.Users.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary><c>UsageData</c> of <c>system df</c>: bytes under <c>_data</c> and how many containers use it.</summary>
    public VolumeUsageData UsageOf(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        long size;
        try
        {
            size = store.SizeOf(volume.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            size = -1;
        }
        return new VolumeUsageData(size, Users(volume.Name).Count);
    }

    /// <summary><c>docker volume rm [-f]</c>.</summary>
    /// <param name="force">A missing volume is then no error (it never overrides "in use").</param>
    /// <exception cref="BerthException">404 when missing (without force), 409 <c>remove &lt;name&gt;: volume is in use - [ids]</c>.</exception>
    public async Task RemoveAsync(string name, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        if (Find(name) is null)
        {
            if (force) return;
            throw NoSuchVolume(name);
        }
        RemoveHeld(name);
    }

    /// <summary><c>docker volume prune</c>: unused volumes without driver options that match the filters (anonymous ones unless <c>all=true</c>).</summary>
    /// <exception cref="BerthException">400 for a bad filter, 409 while another prune runs.</exception>
    public async Task<VolumePruneReport> PruneAsync(VolumeFilters filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (Interlocked.CompareExchange(ref pruning, 1, 0) != 0) throw BerthException.Conflict("a prune operation is already running");
        try
        {
            var deleted = new List<string>();
            long reclaimed = 0;
            foreach (var volume in All().Where(v => v.Options.Count == 0 && filters.Matches(v, inUse: false)).OrderBy(v => v.Name, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
                if (Find(volume.Name) is null || Users(volume.Name).Count > 0) continue;
                var size = UsageOf(volume).Size;
                try
                {
                    RemoveHeld(volume.Name);
                }
                catch (Exception ex) when (ex is BerthException or IOException or UnauthorizedAccessException)
                {
                    Serilog.Log.Warning("volumes: prune could not remove {Name}: {Message}", volume.Name, ex.Message);
                    continue;
                }
                deleted.Add(volume.Name);
                reclaimed += Math.Max(size, 0);
            }
            events.Publish("volume", "prune", "", new Dictionary<string, string> { ["reclaimed"] = reclaimed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            return new VolumePruneReport(deleted, reclaimed);
        }
        finally
        {
            Volatile.Write(ref pruning, 0);
        }
    }

    private void RemoveHeld(string name)
    {
        var users = Users(name);
        if (users.Count > 0) throw BerthException.Conflict($"remove {name}: volume is in use - [{string.Join(", ", users)}]");
        var entry = EntryOf(name);
        try
        {
            UnmountHeld(entry);
            store.Remove(name);
        }
        catch (Exception ex) when (ex is BerthException or IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ex is BerthException b ? b.Kind : BerthErrorKind.System, $"remove {name}: {ex.Message}", ex);
        }
        lock (gate) entries.Remove(name);
        events.Publish("volume", "destroy", name, DriverAttributes());
    }

    private Entry EntryOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (gate) return entries.TryGetValue(name, out var entry) ? entry : throw NoSuchVolume(name);
    }

    private List<Volume> All()
    {
        lock (gate) return [.. entries.Values.Select(e => e.Volume)];
    }

    private static BerthException NoSuchVolume(string name) => BerthException.NotFound($"get {name}: no such volume");

    private BerthException UnsupportedDriver(string name, string driver)
    {
        string? foundAt;
        try
        {
            foundAt = locateDriverPlugin(driver);
        }
        catch (BerthException ex)
        {
            foundAt = ex.Message;
        }
        return foundAt is null
            ? BerthException.NotFound($"create {name}: error looking up volume plugin {driver}: plugin \"{driver}\" not found")
            : BerthException.NotImplemented($"create {name}: volume plugin \"{driver}\" was found ({foundAt}) but Berth does not support volume driver plugins yet; only the \"{VolumeNames.LocalDriver}\" driver can create volumes");
    }

    private static Dictionary<string, string> DriverAttributes() => new() { ["driver"] = VolumeNames.LocalDriver };

    private sealed class Entry(Volume volume)
    {
        public Volume Volume { get; } = volume;
        public bool Mounted { get; set; }
        public HashSet<string> Users { get; } = new(StringComparer.Ordinal);
    }
}
