namespace Berth.Plugins.JsonLog.Format;

/// <summary>Formats entry times, reusing the date and time part while the second does not change.</summary>
internal sealed class TimestampCache
{
    private readonly byte[] prefix = new byte[19];
    private long second = long.MinValue;

    public int Format(long unixNanos, Span<byte> destination)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000;
        }
        if (seconds != second)
        {
            Rfc3339Nano.FormatSeconds(seconds, prefix);
            second = seconds;
        }
        prefix.CopyTo(destination);
        return prefix.Length + Rfc3339Nano.FormatFraction(nanos, destination[prefix.Length..]);
    }
}
