namespace Berth.Kernel.Plugins;

/// <summary>What the supervisor needs to start one plugin process.</summary>
/// <param name="Name">Installed plugin name (shown in the host's command line).</param>
/// <param name="PackageDirectory">The version's package folder (config.json + rootfs/).</param>
/// <param name="StateDirectory">The plugin's own state root; it survives restarts and upgrades.</param>
/// <param name="Environment">The plugin's env settings.</param>
public sealed record PluginLaunchSpec(
    string Name,
    string Version,
    string PackageDirectory,
    string StateDirectory,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>A running plugin process, seen through its transport.</summary>
public interface IPluginProcess : IAsyncDisposable
{
    int Pid { get; }

    /// <summary>The duplex byte stream to the plugin (its stdin/stdout).</summary>
    Stream Transport { get; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    Task<int> Exited { get; }

    /// <summary>The last lines the plugin wrote to its log, for error messages.</summary>
    string RecentLog { get; }

    void Kill();
}

/// <summary>The seam between the supervisor and the operating system.</summary>
public interface IPluginProcessLauncher
{
    Task<IPluginProcess> LaunchAsync(PluginLaunchSpec spec, CancellationToken cancellationToken);
}
