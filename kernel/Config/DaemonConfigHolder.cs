namespace Berth.Kernel.Config;

/// <summary>Holds the current configuration; a SIGHUP reload swaps in a new snapshot and tells subscribers.</summary>
public sealed class DaemonConfigHolder(DaemonConfig initial, CommandLine commandLine)
{
    private DaemonConfig current = initial;

    public DaemonConfig Current => Volatile.Read(ref current);

    public CommandLine CommandLine { get; } = commandLine;

    public event EventHandler<DaemonConfig>? Reloaded;

    /// <summary>
    /// Re-reads the configuration file. Reloadable keys take effect; other changed keys are reported
    /// as needing a restart and keep their running value.
    /// </summary>
    /// <returns>Keys that changed but need a restart.</returns>
    /// <exception cref="ConfigException">The file is now invalid; the running configuration is kept.</exception>
    public IReadOnlyList<string> Reload()
    {
        var next = ConfigLoader.Load(CommandLine);
        var old = Current;
        var merged = old with
        {
            Debug = next.Debug,
            LogLevel = next.LogLevel,
            Labels = next.Labels,
            LiveRestore = next.LiveRestore,
            DefaultRuntime = next.DefaultRuntime,
            Runtimes = next.Runtimes,
            ShutdownTimeoutSeconds = next.ShutdownTimeoutSeconds,
            PluginCallTimeout = next.PluginCallTimeout,
            PluginHealthInterval = next.PluginHealthInterval,
        };
        var needRestart = new List<string>();
        if (!next.Hosts.SequenceEqual(old.Hosts)) needRestart.Add("hosts");
        if (next.DataRoot != old.DataRoot) needRestart.Add("data-root");
        if (next.StorageDriver != old.StorageDriver) needRestart.Add("storage-driver");
        if (next.LogDriver != old.LogDriver) needRestart.Add("log-driver");
        Volatile.Write(ref current, merged);
        Reloaded?.Invoke(this, merged);
        return needRestart;
    }
}
