using Berth.Sdk;
using Berth.Sdk.Hosting.Packages;

namespace Berth.Kernel.Plugins;

public sealed partial class PluginManager
{
    /// <summary>
    /// <c>docker plugin create NAME DIR</c>: unpacks the package tar, validates it, and proves it loads by activating
    /// it once in a throw-away process. A package that fails any step is refused and nothing installed is touched.
    /// </summary>
    public async Task<PluginEntry> CreateAsync(string name, Stream tar, CancellationToken cancellationToken)
    {
        var staging = NewStagingDirectory();
        try
        {
            // Unpack and prove the package outside the registry lock: an upload may be slow.
            await PackageArchive.ExtractAsync(tar, staging, cancellationToken).ConfigureAwait(false);
            return await InstallFromDirectoryAsync(name, staging, reference: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>A fresh folder inside the plugin store (same file system, so an install moves it in), removed at start if left.</summary>
    public string NewStagingDirectory() => store.TempDirectory();

    /// <summary>
    /// Installs the package folder <paramref name="staging"/> (config.json + rootfs/, e.g. just pulled from a registry)
    /// as plugin <paramref name="name"/>, disabled, after proving it loads. The folder is moved into the store.
    /// </summary>
    public async Task<PluginEntry> InstallFromDirectoryAsync(string name, string staging, string? reference, CancellationToken cancellationToken)
    {
        var normalized = PluginNames.Normalize(name);
        var package = PluginPackage.Load(staging, PluginStore.SupportedMajors);
        await ProveLoadsAsync(normalized, package, cancellationToken).ConfigureAwait(false);
        return await SerializedAsync(async () =>
        {
            if (List().Any(e => e.Plugin.Name == normalized))
                throw BerthException.Conflict($"plugin \"{normalized}\" already exists");
            var id = NewId();
            var stored = store.AddVersion(id, package, move: true);
            var record = new InstalledPlugin(id, normalized, Enabled: false, stored.Version, reference is null ? normalized : PluginNames.Normalize(reference), [], time.GetUtcNow());
            try
            {
                await store.SaveAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                store.Delete(id);
                throw;
            }
            var entry = new PluginEntry(record, stored, null, null);
            Put(entry);
            Publish(record, reference is null ? "create" : "pull");
            return entry;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ProveLoadsAsync(string name, PluginPackage package, CancellationToken cancellationToken)
    {
        var trialState = store.TempDirectory();
        var spec = new PluginLaunchSpec(name, package.Version, package.Directory, trialState, new Dictionary<string, string>());
        try
        {
            var connection = await PluginConnection.StartAsync(launcher, spec, package.Protocols, kernel, Timeouts.Activation, time, cancellationToken)
                .ConfigureAwait(false);
            await connection.StopAsync(TimeSpan.FromSeconds(5), time).ConfigureAwait(false);
        }
        catch (BerthException ex)
        {
            throw new BerthException(BerthErrorKind.InvalidParameter, $"plugin package refused: {ex.Message}", ex);
        }
        finally
        {
            if (Directory.Exists(trialState)) Directory.Delete(trialState, recursive: true);
        }
    }

    /// <summary><c>docker plugin enable</c>: starts the process and waits for its handshake; a failed start leaves it disabled.</summary>
    public Task<PluginEntry> EnableAsync(string nameOrId, CancellationToken cancellationToken) => SerializedAsync(async () =>
    {
        var entry = Get(nameOrId);
        if (entry.Plugin.Enabled) throw BerthException.Conflict($"plugin {entry.Plugin.Name} is already enabled");
        if (entry.Package is null) throw BerthException.Invalid($"plugin {entry.Plugin.Name} is broken: {entry.Error}");
        var enabled = entry with { Plugin = entry.Plugin with { Enabled = true } };
        await store.SaveAsync(enabled.Plugin, cancellationToken).ConfigureAwait(false);
        try
        {
            enabled = await StartSupervisorAsync(enabled, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.SaveAsync(entry.Plugin, CancellationToken.None).ConfigureAwait(false); // it did not start: disabled on disk too
            throw;
        }
        Publish(enabled.Plugin, "enable");
        return enabled;
    }, cancellationToken);

    /// <summary>
    /// <c>docker plugin disable</c>: stops the process; calls to it then fail as unavailable. <paramref name="force"/> is
    /// Docker's override for a plugin in use; nothing counts as in use until containers hold references.
    /// </summary>
    public Task<PluginEntry> DisableAsync(string nameOrId, bool force, CancellationToken cancellationToken) => SerializedAsync(async () =>
    {
        var entry = Get(nameOrId);
        if (!entry.Plugin.Enabled) throw BerthException.Conflict($"plugin {entry.Plugin.Name} is already disabled");
        var disabledRecord = entry.Plugin with { Enabled = false };
        await store.SaveAsync(disabledRecord, cancellationToken).ConfigureAwait(false);
        // Read and clear the supervisor in one step: a lazy start racing this disable cannot leave a process behind.
        var was = Swap(entry.Plugin.Id, e => e with { Plugin = disabledRecord, Supervisor = null });
        if (was.Supervisor is not null) await was.Supervisor.DisposeAsync().ConfigureAwait(false);
        Publish(disabledRecord, "disable");
        return Get(entry.Plugin.Id);
    }, cancellationToken);

    /// <summary><c>docker plugin rm</c>: an enabled plugin needs <paramref name="force"/>.</summary>
    public Task<bool> RemoveAsync(string nameOrId, bool force, CancellationToken cancellationToken) => SerializedAsync(async () =>
    {
        var entry = Get(nameOrId);
        if (entry.Plugin.Enabled && !force)
            throw BerthException.Conflict($"plugin {entry.Plugin.Name} is enabled: disable it first or use --force");
        var was = Swap(entry.Plugin.Id, _ => null);
        if (was.Supervisor is not null) await was.Supervisor.DisposeAsync().ConfigureAwait(false);
        store.Delete(entry.Plugin.Id);
        Publish(entry.Plugin, "remove");
        return true;
    }, cancellationToken);

    /// <summary><c>docker plugin set NAME KEY=value…</c>: env settings the package declares, while disabled.</summary>
    public Task<PluginEntry> SetAsync(string nameOrId, IReadOnlyList<string> settings, CancellationToken cancellationToken) => SerializedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        var entry = Get(nameOrId);
        if (entry.Plugin.Enabled) throw BerthException.Conflict($"cannot set on an active plugin {entry.Plugin.Name}: disable it first");
        var declared = entry.Package?.Config.Env ?? [];
        var env = entry.Plugin.Env.ToDictionary(s => s.Split('=', 2)[0], s => s, StringComparer.Ordinal);
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw BerthException.Invalid($"invalid setting \"{setting}\": expected KEY=value");
            var key = setting[..eq];
            if (key.Contains('.', StringComparison.Ordinal) || key == "args")
                throw BerthException.Invalid($"setting \"{key}\": Berth plugins take env settings only (no mounts, devices or args)");
            var env0 = declared.FirstOrDefault(e => e.Name == key)
                ?? throw BerthException.Invalid($"setting \"{key}\" is not declared in the plugin's config.json Env");
            if (!env0.Settable.Contains("value", StringComparer.Ordinal))
                throw BerthException.Invalid($"setting \"{key}\" is not settable");
            env[key] = setting;
        }
        var updated = entry with { Plugin = entry.Plugin with { Env = env.Values.Order(StringComparer.Ordinal).ToList() } };
        await store.SaveAsync(updated.Plugin, cancellationToken).ConfigureAwait(false);
        Put(updated);
        return updated;
    }, cancellationToken);

    /// <summary>
    /// Upgrades <paramref name="nameOrId"/> to the package of <paramref name="remote"/>. While the plugin is enabled this is a
    /// hot upgrade: the new version starts beside the old one, takes the new calls, and the old one drains and stops.
    /// </summary>
    /// <param name="fetched">The package pulled from a registry; null to take a locally installed plugin named <paramref name="remote"/>.</param>
    public Task<PluginEntry> UpgradeAsync(string nameOrId, string remote, PluginPackage? fetched, CancellationToken cancellationToken) => SerializedAsync(async () =>
    {
        var entry = Get(nameOrId);
        var source = fetched ?? ResolveRemote(remote, entry);
        var oldKinds = entry.Package?.Protocols.Select(p => p.Kind).Order().ToList() ?? [];
        var newKinds = source.Protocols.Select(p => p.Kind).Order().ToList();
        if (entry.Package is not null && !oldKinds.SequenceEqual(newKinds))
            throw BerthException.Invalid($"cannot upgrade {entry.Plugin.Name} ({string.Join(", ", oldKinds)}) to {remote} ({string.Join(", ", newKinds)}): the driver kinds differ");

        var existed = Directory.Exists(store.VersionDirectory(entry.Plugin.Id, source.Version));
        var stored = existed && source.Version == entry.Plugin.ActiveVersion
            ? throw BerthException.Conflict($"plugin {entry.Plugin.Name} already runs version {source.Version}")
            : store.AddVersion(entry.Plugin.Id, source, move: false);
        var record = entry.Plugin with { ActiveVersion = stored.Version, PluginReference = PluginNames.Normalize(remote) };
        await store.SaveAsync(record, cancellationToken).ConfigureAwait(false);
        try
        {
            // A running plugin is swapped hot; a disabled or not yet started one simply starts on the new version.
            if (entry.Supervisor is not null)
                await entry.Supervisor.UpgradeAsync(LaunchSpec(record, stored), stored.Protocols, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The old version keeps serving: put its record back, then drop the new files.
            await store.SaveAsync(entry.Plugin, CancellationToken.None).ConfigureAwait(false);
            if (!existed) Directory.Delete(store.VersionDirectory(entry.Plugin.Id, stored.Version), recursive: true);
            throw;
        }
        var upgraded = entry with { Plugin = record, Package = stored, Error = null };
        Put(upgraded);
        Publish(record, "upgrade", new Dictionary<string, string> { ["version"] = stored.Version, ["from"] = entry.Plugin.ActiveVersion });
        return upgraded;
    }, cancellationToken);

    /// <summary>The package of a locally installed plugin named <paramref name="remote"/>, or null (then it comes from a registry).</summary>
    public PluginPackage? FindLocalPackage(string remote, PluginEntry? target = null)
    {
        var name = PluginNames.Normalize(remote);
        return List().FirstOrDefault(e => e.Plugin.Name == name && e.Plugin.Id != target?.Plugin.Id)?.Package;
    }

    private PluginPackage ResolveRemote(string remote, PluginEntry target) =>
        FindLocalPackage(remote, target) ?? throw BerthException.NotFound($"plugin \"{PluginNames.Normalize(remote)}\" not found locally; it is pulled from its registry");

    /// <summary>What a package asks for, in Docker's privilege form (shown by install and upgrade before they proceed).</summary>
    public static IReadOnlyList<(string Name, string Description, IReadOnlyList<string> Value)> Privileges(PluginPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var config = package.Config;
        var result = new List<(string, string, IReadOnlyList<string>)>();
        if (config.Network.Type is { Length: > 0 } net && net != "bridge" && net != "null")
            result.Add(("network", "permission to access host networking", [net]));
        if (config.IpcHost) result.Add(("host ipc namespace", "allow access to host ipc namespace", ["true"]));
        if (config.PidHost) result.Add(("host pid namespace", "allow access to host pid namespace", ["true"]));
        foreach (var mount in config.Mounts.Where(m => m.Source.Length > 0))
            result.Add(("mount", "host path to mount", [mount.Source]));
        foreach (var device in config.Linux.Devices.Where(d => d.Path.Length > 0))
            result.Add(("device", "host device to access", [device.Path]));
        if (config.Linux.AllowAllDevices) result.Add(("allow-all-devices", "allow 'rwm' access to all devices", ["true"]));
        if (config.Linux.Capabilities.Count > 0)
            result.Add(("capabilities", "list of additional capabilities required", config.Linux.Capabilities));
        return result;
    }
}
