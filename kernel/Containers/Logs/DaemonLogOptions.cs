using Berth.Sdk.Logging;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// The <c>--log-opt</c> keys the daemon owns rather than the log driver: Moby's built-in <c>mode</c> and
/// <c>max-buffer-size</c>, and the local cache's <c>cache-disabled</c>, <c>cache-max-size</c>, <c>cache-max-file</c>
/// and <c>cache-compress</c> (<see cref="LogCache"/>). Moby keeps them from the
/// drivers' option validation; Berth keeps them from the drivers altogether, so a driver that refuses options it does
/// not know (as Docker's drivers do) still works with them.
/// </summary>
public static class DaemonLogOptions
{
    private static readonly HashSet<string> Owned = new(StringComparer.Ordinal)
    {
        "mode", "max-buffer-size", "cache-disabled", "cache-max-size", "cache-max-file", "cache-compress",
    };

    public static bool IsDaemonOption(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Owned.Contains(key);
    }

    /// <summary>What the container's log driver is told: <paramref name="info"/> without the daemon's options.</summary>
    public static LogInfo ForDriver(LogInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!info.Config.Keys.Any(IsDaemonOption)) return info;
        return info with { Config = info.Config.Where(kv => !IsDaemonOption(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal) };
    }
}
