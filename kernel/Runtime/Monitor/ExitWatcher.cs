using System.Collections.Concurrent;
using System.Globalization;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>
/// Learns of container exits from the files conmon writes into the exit directory (inotify, with a slow poll as a
/// safety net for events the watcher drops). Each exit is reported once per registration.
/// </summary>
public sealed class ExitWatcher : IDisposable
{
    private readonly string directory;
    private readonly ConcurrentDictionary<string, Func<int, Task>> waiting = new(StringComparer.Ordinal);
    private readonly FileSystemWatcher watcher;
    private readonly ITimer poll;

    public ExitWatcher(string execRoot, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        directory = RuntimePaths.ExitDirectory(execRoot);
        Directory.CreateDirectory(directory);
        watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        watcher.Created += (_, e) => Check(e.Name);
        watcher.Renamed += (_, e) => Check(e.Name);
        watcher.Changed += (_, e) => Check(e.Name);
        watcher.EnableRaisingEvents = true;
        poll = time.CreateTimer(_ => CheckAll(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    /// <summary>Calls <paramref name="onExit"/> with the exit code when the container's exit file appears (at once if it is there).</summary>
    public void Watch(string id, Func<int, Task> onExit)
    {
        waiting[id] = onExit;
        Check(id);
    }

    public void Forget(string id) => waiting.TryRemove(id, out _);

    /// <summary>Removes a stale exit file before the container starts again.</summary>
    public void Clear(string id)
    {
        try
        {
            File.Delete(Path.Combine(directory, id));
        }
        catch (IOException)
        {
        }
    }

    public static int? ReadExitCode(string execRoot, string id) => ReadExitFile(RuntimePaths.ExitDirectory(execRoot), id);

    private static int? ReadExitFile(string directory, string id)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(directory, id)).Trim();
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void CheckAll()
    {
        foreach (var id in waiting.Keys) Check(id);
    }

    private void Check(string? id)
    {
        if (id is null || !waiting.ContainsKey(id)) return;
        var code = ReadExitFile(directory, id);
        if (code is null) return;
        if (waiting.TryRemove(id, out var onExit)) _ = onExit(code.Value);
    }

    public void Dispose()
    {
        watcher.Dispose();
        poll.Dispose();
    }
}
