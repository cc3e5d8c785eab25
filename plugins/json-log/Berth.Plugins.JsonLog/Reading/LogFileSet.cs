using Berth.Plugins.JsonLog.Writing;

namespace Berth.Plugins.JsonLog.Reading;

/// <summary>
/// A log's files opened together while no rotation runs: <c>name.N(.gz)</c> … <c>name.1(.gz)</c> and the live file.
/// An uncompressed rotated file is preferred to its archive, which may still be being written.
/// </summary>
internal sealed class LogFileSet : IDisposable
{
    private LogFileSet(List<OpenLogFile> rotated, OpenLogFile? live)
    {
        Rotated = rotated;
        Live = live;
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<OpenLogFile> Rotated { get; }

    /// <summary>Null when the log does not exist (yet).</summary>
    public OpenLogFile? Live { get; private set; }

    /// <summary>
    /// Opens the live file and up to <paramref name="rotatedFiles"/> rotated ones; compressed files whose last entry is
    /// before <paramref name="sinceNanos"/> are skipped.
    /// </summary>
    public static LogFileSet Open(LogFileHub hub, int rotatedFiles, long? sinceNanos)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var rotated = new List<OpenLogFile>();
        OpenLogFile? live;
        lock (hub.Gate)
        {
            live = OpenLogFile.TryOpen(hub.Path);
            for (var i = 1; i <= rotatedFiles; i++)
            {
                var file = OpenLogFile.TryOpen($"{hub.Path}.{i}") ?? OpenLogFile.TryOpen($"{hub.Path}.{i}{LogCompressor.Extension}");
                if (file is not null) rotated.Add(file);
            }
        }
        rotated.Reverse();
        if (sinceNanos is { } since)
        {
            foreach (var file in rotated.Where(f => f.CompressedLastTime() < since).ToList())
            {
                file.Dispose();
                rotated.Remove(file);
            }
        }
        return new LogFileSet(rotated, live);
    }

    /// <summary>Hands the live file over to a follower, which then owns it.</summary>
    public OpenLogFile? TakeLive()
    {
        var live = Live;
        Live = null;
        return live;
    }

    public void Dispose()
    {
        foreach (var file in Rotated) file.Dispose();
        Live?.Dispose();
    }
}
