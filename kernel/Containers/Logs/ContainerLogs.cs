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

    public ContainerLogs(PluginManager plugins, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        this.plugins = plugins;
        this.time = time;
        plugins.PluginServing += id => _ = ReplayAsync(id, CancellationToken.None);
    }

    /// <summary>How much already-delivered output stays in the output file for drivers that cannot read logs back.</summary>
    private const long CacheBytes = 1 << 20;

    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);

    /// <summary>The log driver names plugins serve, plus <c>none</c>.</summary>
    public void Validate(string driver)
    {
        if (driver == "none") return;
        if (plugins.FindDriver(Protocols.LogDriver, driver) is null)
            throw BerthException.Invalid($"logger: no log driver named '{driver}' is registered");
    }

    public async Task StartAsync(Container container, RuntimePaths paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(paths);
        var name = HostConfigDefaults.LogDriver(container.HostConfig);
        if (name == "none")
        {
            sessions[container.Id] = new Session(null, null, null, null, new OutputForwarder(paths, null, CacheBytes, time));
            return;
        }
        var pluginId = PluginIdOf(name);
        var driver = plugins.Client<ILogDriver>(pluginId);
        var fifo = LogFifo.Open(paths.LogFifo);
        var info = Info(container);
        try
        {
            await driver.StartLoggingAsync(fifo.Path, info, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            fifo.Delete();
            throw;
        }
        sessions[container.Id] = new Session(pluginId, driver, fifo, info, new OutputForwarder(paths, fifo, CacheBytes, time));
    }

    /// <summary>The container exited: forward the rest of its output, let the plugin drain the FIFO, end the session.</summary>
    public async Task StopAsync(string id, CancellationToken cancellationToken)
    {
        if (!sessions.TryRemove(id, out var session)) return;
        try
        {
            await session.Forwarder.DrainAsync(cancellationToken).ConfigureAwait(false);
            if (session.Driver is not null && session.Fifo is not null)
            {
                for (var i = 0; i < 100 && session.Fifo.Unread > 0; i++) await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
                await session.Driver.StopLoggingAsync(session.Fifo.Path, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is BerthException or IOException or TimeoutException)
        {
            Serilog.Log.Warning("stopping the log session of {Id}: {Message}", id, ex.Message);
        }
        finally
        {
            await session.Forwarder.DisposeAsync().ConfigureAwait(false);
            session.Fifo?.Delete();
        }
    }

    /// <summary>After a log plugin restarted or was upgraded: it lost its open FIFOs, so tell it again.</summary>
    private async Task ReplayAsync(string pluginId, CancellationToken cancellationToken)
    {
        foreach (var (id, session) in sessions)
        {
            if (session.PluginId != pluginId || session.Driver is null || session.Fifo is null || session.Info is null) continue;
            try
            {
                await session.Driver.StartLoggingAsync(session.Fifo.Path, session.Info, cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("could not resume logging for {Id}: {Message}", id, ex.Message);
            }
        }
    }

    /// <summary>A stream of log-plugin frames for <c>docker logs</c>.</summary>
    public async Task<Stream> ReadAsync(Container container, ReadConfig read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var name = HostConfigDefaults.LogDriver(container.HostConfig);
        if (name == "none") throw BerthException.Invalid("configured logging driver does not support reading");
        var driver = Driver(name);
        var capabilities = await driver.CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        if (!capabilities.ReadLogs) throw BerthException.Invalid("configured logging driver does not support reading");
        return await driver.ReadLogsAsync(Info(container), read, cancellationToken).ConfigureAwait(false);
    }

    public bool IsActive(string id) => sessions.ContainsKey(id);

    private ILogDriver Driver(string name) => plugins.Client<ILogDriver>(PluginIdOf(name));

    private string PluginIdOf(string name) =>
        (plugins.FindDriver(Protocols.LogDriver, name) ?? throw BerthException.Invalid($"logger: no log driver named '{name}' is registered")).Plugin.Id;

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

    private sealed record Session(string? PluginId, ILogDriver? Driver, LogFifo? Fifo, LogInfo? Info, OutputForwarder Forwarder);
}
