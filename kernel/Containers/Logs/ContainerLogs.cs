using System.Collections.Concurrent;
using Berth.Kernel.Plugins;
using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// Each running container's log session: conmon's output file → <see cref="OutputForwarder"/> → FIFO → the log
/// plugin selected by HostConfig.LogConfig. Sessions are re-announced to a plugin that restarted or was upgraded.
/// </summary>
public sealed class ContainerLogs
{
    private readonly PluginManager plugins;
    private readonly TimeProvider time;

    public ContainerLogs(PluginManager plugins, ContainerStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(store);
        this.plugins = plugins;
        this.store = store;
        this.time = time;
        plugins.PluginServing += id =>
        {
            capabilities.TryRemove(id, out _);
            _ = ReplayAsync(id, CancellationToken.None);
        };
    }

    /// <summary>How much already-delivered output stays in conmon's output file.</summary>
    private const long KeptOutputBytes = 1 << 20;

    private readonly ContainerStore store;
    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);

    /// <summary>Each serving log plugin's capabilities: asked once per plugin process, not on every docker logs.</summary>
    private readonly ConcurrentDictionary<string, LogCapabilities> capabilities = new(StringComparer.Ordinal);

    /// <summary>The log driver names plugins serve (Berth's, then Docker v1 plugins'), plus <c>none</c>.</summary>
    public void Validate(string driver)
    {
        if (driver == "none") return;
        if (plugins.FindDriverId(Protocols.LogDriver, driver) is null)
            throw BerthException.Invalid($"logger: no log driver named '{driver}' is registered");
    }

    /// <summary>
    /// Opens the container's log session: its driver's FIFO and, when the driver cannot read logs back, the local
    /// cache's. A sink that fails to start undoes the ones already started.
    /// </summary>
    public async Task StartAsync(Container container, RuntimePaths paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(paths);
        var name = HostConfigDefaults.LogDriver(container.HostConfig);
        var sinks = new List<Sink>();
        if (name != "none")
        {
            try
            {
                var info = Info(container);
                sinks.Add(await OpenSinkAsync(name, paths.LogFifo, DaemonLogOptions.ForDriver(info), cancellationToken).ConfigureAwait(false));
                if (await NeedsCacheAsync(sinks[0], info, cancellationToken).ConfigureAwait(false))
                    sinks.Add(await OpenSinkAsync(LogCache.Driver, paths.LogCacheFifo, CacheInfo(info, container), cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                await CloseSinksAsync(container.Id, sinks).ConfigureAwait(false);
                throw;
            }
        }
        sessions[container.Id] = new Session(sinks, new OutputForwarder(paths, sinks.Select(s => s.Fifo).ToList(), KeptOutputBytes, time));
    }

    /// <summary>The container exited: forward the rest of its output, let the plugins drain their FIFOs, end the session.</summary>
    public async Task StopAsync(string id, CancellationToken cancellationToken)
    {
        if (!sessions.TryRemove(id, out var session)) return;
        try
        {
            await session.Forwarder.DrainAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < 100 && session.Sinks.Any(s => s.Fifo.Unread > 0); i++)
                await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            Serilog.Log.Warning("draining the log of {Id}: {Message}", id, ex.Message);
        }
        finally
        {
            await session.Forwarder.DisposeAsync().ConfigureAwait(false);
            await CloseSinksAsync(id, session.Sinks).ConfigureAwait(false);
        }
    }

    /// <summary>After a log plugin restarted or was upgraded: it lost its open FIFOs, so tell it again.</summary>
    private async Task ReplayAsync(string pluginId, CancellationToken cancellationToken)
    {
        foreach (var (id, session) in sessions)
        {
            foreach (var sink in session.Sinks.Where(s => s.PluginId == pluginId))
            {
                try
                {
                    await sink.Driver.StartLoggingAsync(sink.Fifo.Path, sink.Info, cancellationToken).ConfigureAwait(false);
                }
                catch (BerthException ex)
                {
                    Serilog.Log.Warning("could not resume logging for {Id}: {Message}", id, ex.Message);
                }
            }
        }
    }

    /// <summary>
    /// A stream of log-plugin frames for <c>docker logs</c>: from the driver when it can read logs back, otherwise
    /// from the local cache.
    /// </summary>
    public async Task<Stream> ReadAsync(Container container, ReadConfig read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var name = HostConfigDefaults.LogDriver(container.HostConfig);
        if (name == "none") throw NotReadable();
        var pluginId = PluginIdOf(name);
        var driver = plugins.Client<ILogDriver>(pluginId);
        var info = Info(container);
        if (await CanReadAsync(pluginId, driver, cancellationToken).ConfigureAwait(false))
            return await driver.ReadLogsAsync(DaemonLogOptions.ForDriver(info), read, cancellationToken).ConfigureAwait(false);
        if (LogCache.Disabled(info.Config) || plugins.FindDriver(Protocols.LogDriver, LogCache.Driver) is null) throw NotReadable();
        return await Driver(LogCache.Driver).ReadLogsAsync(CacheInfo(info, container), read, cancellationToken).ConfigureAwait(false);
    }

    public bool IsActive(string id) => sessions.ContainsKey(id);

    private ILogDriver Driver(string name) => plugins.Client<ILogDriver>(PluginIdOf(name));

    private string PluginIdOf(string name) =>
        plugins.FindDriverId(Protocols.LogDriver, name) ?? throw BerthException.Invalid($"logger: no log driver named '{name}' is registered");

    private static BerthException NotReadable() => BerthException.Invalid("configured logging driver does not support reading");

    private async Task<bool> CanReadAsync(string pluginId, ILogDriver driver, CancellationToken cancellationToken)
    {
        if (capabilities.TryGetValue(pluginId, out var known)) return known.ReadLogs;
        var asked = await driver.CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        capabilities[pluginId] = asked;
        return asked.ReadLogs;
    }

    /// <param name="info">The container's log info with every option (the cache's own among them).</param>
    private async Task<bool> NeedsCacheAsync(Sink driver, LogInfo info, CancellationToken cancellationToken)
    {
        if (LogCache.Disabled(info.Config) || await CanReadAsync(driver.PluginId, driver.Driver, cancellationToken).ConfigureAwait(false)) return false;
        if (plugins.FindDriver(Protocols.LogDriver, LogCache.Driver) is not null) return true;
        Serilog.Log.Warning("no {Driver} log driver for the local log cache: docker logs will not read {Id}", LogCache.Driver, info.ContainerId);
        return false;
    }

    private LogInfo CacheInfo(LogInfo info, Container container) => LogCache.InfoFor(info, store.DirectoryOf(container.Id));

    private async Task<Sink> OpenSinkAsync(string driverName, string fifoPath, LogInfo info, CancellationToken cancellationToken)
    {
        var pluginId = PluginIdOf(driverName);
        var driver = plugins.Client<ILogDriver>(pluginId);
        var fifo = LogFifo.Open(fifoPath);
        try
        {
            await driver.StartLoggingAsync(fifo.Path, info, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            fifo.Delete();
            throw;
        }
        return new Sink(pluginId, driver, fifo, info);
    }

    /// <summary>Tells each plugin to write what is left in its FIFO and let go of it, then removes the FIFOs.</summary>
    private static async Task CloseSinksAsync(string id, IEnumerable<Sink> sinks)
    {
        foreach (var sink in sinks)
        {
            try
            {
                await sink.Driver.StopLoggingAsync(sink.Fifo.Path, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BerthException or IOException or TimeoutException)
            {
                Serilog.Log.Warning("stopping the log session of {Id}: {Message}", id, ex.Message);
            }
            finally
            {
                sink.Fifo.Delete();
            }
        }
    }

    private static LogInfo Info(Container container)
    {
        var command = container.Command;
        return new LogInfo(
            HostConfigDefaults.LogOptions(container.HostConfig),
            container.Id,
            container.Name,
            command.Count > 0 ? command[0] : null,
            command.Skip(1).ToList(),
            container.ImageId,
            container.ImageName,
            container.Created,
            JsonRead.Strings(container.Config, "Env"),
            container.Labels,
            container.LogPath,
            "berth");
    }

    /// <summary>One destination of a container's output: a plugin draining a FIFO.</summary>
    private sealed record Sink(string PluginId, ILogDriver Driver, LogFifo Fifo, LogInfo Info);

    private sealed record Session(IReadOnlyList<Sink> Sinks, OutputForwarder Forwarder);
}
