using Berth.Sdk.Logging;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// Docker's "dual logging": a container whose log driver cannot read logs back also gets a local copy, written by the
/// json-file driver to <c>container-cached.log</c> in the container's directory, so <c>docker logs</c> works for any
/// driver. The <c>cache-*</c> log options tune it as in Moby (defaults 20m × 5 files, compressed).
/// </summary>
public static class LogCache
{
    public const string Driver = "json-file";
    public const string FileName = "container-cached.log";

    /// <summary>Whether <paramref name="options"/> turn the cache off (<c>cache-disabled=true</c>).</summary>
    public static bool Disabled(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TryGetValue("cache-disabled", out var value) && bool.TryParse(value, out var disabled) && disabled;
    }

    /// <summary>The json-file session that keeps the cache of the container <paramref name="driverInfo"/> describes.</summary>
    public static LogInfo InfoFor(LogInfo driverInfo, string containerDirectory)
    {
        ArgumentNullException.ThrowIfNull(driverInfo);
        var options = driverInfo.Config;
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["max-size"] = options.GetValueOrDefault("cache-max-size", "20m"),
            ["max-file"] = options.GetValueOrDefault("cache-max-file", "5"),
            ["compress"] = options.GetValueOrDefault("cache-compress", "true"),
        };
        return driverInfo with { Config = config, LogPath = Path.Combine(containerDirectory, FileName) };
    }
}
