namespace Berth.Plugins.JsonLog;

/// <summary>The plugin's own log: stderr, which the kernel forwards into the daemon log under the plugin's name.</summary>
internal static class PluginLog
{
    public static void Warning(string message) => Console.Error.WriteLine($"json-log: {message}");
}
