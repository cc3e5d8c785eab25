using Berth.Plugins.JsonLog.Format;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Writing;

/// <summary>
/// After a daemon restart the kernel resends the container's output from its last checkpoint, so the first entries
/// of a resumed session may already be in the log. Entries arrive in order with the output's timestamps: those older
/// than the log's last entry, and as many at that same time as the log already ends with, are the resent ones. The
/// filter lets everything through from the first entry that is new.
/// </summary>
internal sealed class ReplayFilter
{
    private const int TailBytes = 1 << 20;

    private readonly long lastTime;
    private readonly int atLastTime;
    private int skippedAtLastTime;
    private bool armed;

    private ReplayFilter(long lastTime, int atLastTime)
    {
        this.lastTime = lastTime;
        this.atLastTime = atLastTime;
        armed = atLastTime > 0;
    }

    /// <summary>Reads the end of the log at <paramref name="path"/>; a missing or empty log filters nothing.</summary>
    public static ReplayFilter ForLog(string path)
    {
        byte[] tail;
        try
        {
            using var file = File.Open(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, file.Length - TailBytes);
            tail = new byte[file.Length - start];
            file.Position = start;
            file.ReadExactly(tail);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ReplayFilter(0, 0);
        }
        return FromTail(tail);
    }

    /// <summary>The last entry's time and how many entries at the end of <paramref name="tail"/> carry it.</summary>
    internal static ReplayFilter FromTail(ReadOnlySpan<byte> tail)
    {
        var scratch = new byte[tail.Length];
        long last = 0;
        var count = 0;
        var end = tail.LastIndexOf((byte)'\n');
        while (end > 0)
        {
            var start = tail[..end].LastIndexOf((byte)'\n') + 1;
            if (start == 0 && tail.Length >= TailBytes) break; // the first line of a cut tail may be cut too
            if (!JsonLogLine.TryParse(tail[start..end], scratch, out var record)) break;
            if (count > 0 && record.TimeNano != last) break;
            last = record.TimeNano;
            count++;
            end = start - 1;
        }
        return new ReplayFilter(last, count);
    }

    /// <summary>False for an entry the log already holds.</summary>
    public bool Admit(in LogEntryView entry)
    {
        if (!armed) return true;
        if (entry.TimeNano < lastTime) return false;
        if (entry.TimeNano == lastTime && skippedAtLastTime < atLastTime)
        {
            skippedAtLastTime++;
            return false;
        }
        armed = false;
        return true;
    }
}
