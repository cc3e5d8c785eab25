namespace Berth.Plugins.JsonLog.Reading;

/// <summary>
/// Bytes read from a log file, handed out a line at a time. A line longer than <see cref="MaxLine"/> cannot be a
/// line this driver wrote; it is dropped rather than buffered without end.
/// </summary>
internal sealed class LineBuffer
{
    private const int MaxLine = 64 << 20;
    private byte[] buffer = new byte[1 << 16];
    private int start, end;
    private bool discarding;

    /// <summary>Room to read into (compacting or growing as needed); call <see cref="Advance"/> with what was read.</summary>
    public Memory<byte> FreeSpace
    {
        get
        {
            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else if (buffer.Length < MaxLine) Array.Resize(ref buffer, buffer.Length * 2);
                else
                {
                    start = end = 0;
                    discarding = true;
                }
            }
            return buffer.AsMemory(end);
        }
    }

    public void Advance(int count) => end += count;

    /// <summary>The next complete line, without its newline.</summary>
    public bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0)
            {
                line = default;
                return false;
            }
            line = buffer.AsSpan(start, newline);
            start += newline + 1;
            if (!discarding) return true;
            discarding = false;
        }
    }

    public void Clear()
    {
        start = end = 0;
        discarding = false;
    }
}
