namespace Berth.Plugins.JsonLog;

/// <summary>The <see cref="LogFileHub"/> of each log path in use, created on first use and dropped with the last user.</summary>
internal sealed class LogFileHubs
{
    private readonly Dictionary<string, LogFileHub> hubs = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public LogFileHub Acquire(string logPath)
    {
        var path = Path.GetFullPath(logPath);
        lock (gate)
        {
            if (!hubs.TryGetValue(path, out var hub)) hubs[path] = hub = new LogFileHub(path);
            hub.References++;
            return hub;
        }
    }

    public void Release(LogFileHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        lock (gate)
        {
            if (--hub.References == 0) hubs.Remove(hub.Path);
        }
    }
}
