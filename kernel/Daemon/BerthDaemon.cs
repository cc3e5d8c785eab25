using System.Runtime.InteropServices;
using Berth.Kernel.Api;
using Berth.Kernel.Api.Images;
using Berth.Kernel.Api.Plugins;
using Berth.Kernel.Api.System;
using Berth.Kernel.Api.Containers;
using Berth.Kernel.Api.Networks;
using Berth.Kernel.Api.Volumes;
using Berth.Kernel.Api.Cluster;
using Berth.Kernel.Cluster;
using Berth.Kernel.Config;
using Berth.Kernel.Containers;
using Berth.Kernel.Containers.Health;
using Berth.Kernel.Daemon;
using Berth.Kernel.Events;
using Berth.Kernel.Images;
using Berth.Kernel.Listeners;
using Berth.Kernel.Logging;
using Berth.Kernel.Plugins;
using Berth.Kernel.Networks;
using Berth.Kernel.Volumes;
using Berth.Sdk.Kernel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Berth.Kernel.Daemon;

/// <summary>berthd's start-up and shutdown: config, pidfile, plugins, listeners, signals.</summary>
public static class BerthDaemon
{
    public static async Task<int> RunAsync(string[] args)
    {
        DaemonConfig config;
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
            if (commandLine.ShowHelp)
            {
                await Console.Out.WriteAsync(CommandLine.Usage).ConfigureAwait(false);
                return 0;
            }
            if (commandLine.ShowVersion)
            {
                await Console.Out.WriteLineAsync($"Berth version {KernelInfo.Version}, build {KernelInfo.GitCommit}").ConfigureAwait(false);
                return 0;
            }
            config = ConfigLoader.Load(commandLine);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"berthd: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using var logger = DaemonLogging.Create();
        DaemonLogging.Apply(config.Debug, config.LogLevel);
        Log.Logger = logger;
        try
        {
            return await ServeAsync(config, commandLine).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            logger.Fatal("{Message}", ex.Message);
            await Console.Error.WriteLineAsync($"berthd: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.Fatal(ex, "berthd failed to start");
            return 1;
        }
    }

    private static async Task<int> ServeAsync(DaemonConfig config, CommandLine commandLine)
    {
        var hosts = ListenerSetup.Validate(config);
        Directory.CreateDirectory(config.DataRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        Directory.CreateDirectory(config.ExecRoot);
        await using var pidfile = await PidFile.CreateAsync(config.Pidfile, CancellationToken.None).ConfigureAwait(false);

        var holder = new DaemonConfigHolder(config, commandLine);
        var startup = global::System.Diagnostics.Stopwatch.StartNew();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.Host.UseSystemd();
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(config.ShutdownTimeoutSeconds));
        builder.WebHost.ConfigureKestrel(k => ListenerSetup.Configure(k, config, hosts));

        var time = TimeProvider.System;
        var identity = await DaemonIdentity.LoadAsync(config.DataRoot, CancellationToken.None).ConfigureAwait(false);
        var events = new EventsService(time);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(holder);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(events);
        builder.Services.AddSingleton<IKernelHost, KernelHostService>();
        builder.Services.AddSingleton<IPluginProcessLauncher>(sp =>
            new ChildProcessLauncher(ChildProcessLauncher.DefaultHostExecutable, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => new PluginManager(
            new PluginStore(Path.Combine(config.DataRoot, "plugins")),
            sp.GetRequiredService<IPluginProcessLauncher>(),
            sp.GetRequiredService<IKernelHost>(),
            events, holder, time, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => DriverSelection.Resolve(sp.GetRequiredService<PluginManager>(), holder.Current));
        builder.Services.AddSingleton<SystemInfo>();
        var images = await ImageSubsystem.LoadAsync(config, CancellationToken.None).ConfigureAwait(false);
        images.Register(builder.Services);
        var volumes = await VolumeService.LoadAsync(Path.Combine(config.DataRoot, "volumes"), events, time, CancellationToken.None).ConfigureAwait(false);
        VolumeRoutes.Register(builder.Services, volumes);
        var containers = await ContainerSubsystem.LoadAsync(config, CancellationToken.None).ConfigureAwait(false);
        containers.Register(builder.Services);
        var networks = await NetworkSubsystem.LoadAsync(config, CancellationToken.None).ConfigureAwait(false);
        networks.Register(builder.Services);
        ClusterSubsystem.Register(builder.Services, config);

        await using var app = builder.Build();
        Log.Debug("start-up: host built after {Ms} ms", startup.ElapsedMilliseconds);
        var plugins = app.Services.GetRequiredService<PluginManager>();
        await plugins.LoadAsync(Path.Combine(AppContext.BaseDirectory, "plugins"), CancellationToken.None).ConfigureAwait(false);
        Log.Debug("start-up: plugin store loaded after {Ms} ms", startup.ElapsedMilliseconds);
        var drivers = app.Services.GetRequiredService<DriverSelection>();
        await images.ConnectAsync(plugins, drivers, time, CancellationToken.None).ConfigureAwait(false);

        app.UseMiddleware<ApiMiddleware>();
        app.UseRouting(); // after the version prefix is stripped
        SystemRoutes.Map(app);
        PluginRoutes.Map(app);
        ImageRoutes.Map(app);
        AuthRoute.Map(app);
        ContainerRoutes.Map(app);
        ExecRoutes.Map(app);
        ArchiveRoutes.Map(app);
        CommitRoutes.Map(app);
        ResourceRoutes.Map(app);
        VolumeRoutes.Map(app);
        NetworkRoutes.Map(app);
        ClusterRoutes.Map(app);
        UnbuiltRoutes.Map(app);

        using var reload = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means reload, not exit
            if (Reload(holder)) events.Publish("daemon", "reload", identity.Id, new Dictionary<string, string> { ["name"] = identity.Name });
        });
        holder.Reloaded += (_, c) => DaemonLogging.Apply(c.Debug, c.LogLevel);

        await app.StartAsync().ConfigureAwait(false);
        ListenerSetup.SecureSockets(config, hosts);
        Log.Information("berthd {Version} listening on {Hosts}, data root {DataRoot} (ready in {Ms} ms, {Since} ms after exec)",
            KernelInfo.Version, string.Join(", ", hosts), config.DataRoot, startup.ElapsedMilliseconds,
            (long)(DateTime.Now - global::System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds);
        foreach (var key in config.IgnoredKeys) Log.Warning("daemon.json key {Key} is accepted but not used by Berth yet", key);
        events.Publish("daemon", "start", identity.Id, new Dictionary<string, string> { ["name"] = identity.Name });

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var startedAt = time.GetUtcNow();
        var containerService = app.Services.GetRequiredService<ContainerService>();
        _ = app.Services.GetRequiredService<HealthMonitor>();
        var restored = StartPluginsAsync(plugins, images, containerService, app.Services.GetRequiredService<NetworkService>(),
            () => NetworkSubsystem.ConnectAsync(app.Services, holder.Current, lifetime.ApplicationStopping), startedAt, lifetime.ApplicationStopping);
        _ = ClusterSubsystem.ResumeAfterAsync(restored, app.Services, lifetime.ApplicationStopping);

        await app.WaitForShutdownAsync().ConfigureAwait(false);
        Log.Information("berthd shutting down");
        await ClusterSubsystem.StopAsync(app.Services).ConfigureAwait(false);
        await containerService.ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        await plugins.DisposeAsync().ConfigureAwait(false);
        ListenerSetup.RemoveSockets(hosts);
        return 0;
    }

    /// <summary>
    /// Plugins, then the predefined networks, then the containers found on disk (adopted or restarted). Until then,
    /// network requests and container creation wait (<see cref="NetworkService.WhenReadyAsync"/>), as Moby serves
    /// its API only after its restore.
    /// </summary>
    private static async Task StartPluginsAsync(PluginManager plugins, ImageSubsystem images, ContainerService containers, NetworkService networks,
        Func<Task> connectNetworks, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        try
        {
            await plugins.StartEnabledAsync(cancellationToken).ConfigureAwait(false);
            await images.ReclaimAsync(startedAt, cancellationToken).ConfigureAwait(false);
            await connectNetworks().ConfigureAwait(false);
            await containers.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            networks.PredefinedReady();
        }
    }

    private static bool Reload(DaemonConfigHolder holder)
    {
        try
        {
            var needRestart = holder.Reload();
            Log.Information("configuration reloaded from {File}", holder.Current.ConfigFile ?? "flags");
            foreach (var key in needRestart) Log.Warning("{Key} changed but takes effect only after a restart", key);
            return true;
        }
        catch (ConfigException ex)
        {
            Log.Error("configuration reload failed, keeping the running configuration: {Message}", ex.Message);
            return false;
        }
    }
}
