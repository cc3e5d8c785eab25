using System.Buffers.Text;

namespace Berth.Plugins.JsonLog.Format;

/// <summary>
/// Go's <c>time.RFC3339Nano</c> for UTC times given as Unix nanoseconds: the fraction drops its trailing zeros and
/// disappears when zero (<c>2024-05-01T10:00:00.5Z</c>, <c>2024-05-01T10:00:00Z</c>).
/// </summary>
internal static class Rfc3339Nano
{
    public const int MaxLength = 30;
    private const long NanosPerSecond = 1_000_000_000;
    private const long TicksPerNano = 100;

    public static int Format(long unixNanos, Span<byte> destination)
    {
        var seconds = Math.DivRem(unixNanos, NanosPerSecond, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += NanosPerSecond;
        }
        var length = FormatSeconds(seconds, destination);
        return length + FormatFraction(nanos, destination[length..]);
    }

    /// <summary>The date and time up to the seconds, without the fraction and zone.</summary>
    public static int FormatSeconds(long unixSeconds, Span<byte> destination)
    {
        var time = DateTime.UnixEpoch.AddSeconds(unixSeconds);
        Digits(destination, time.Year, 4);
        destination[4] = (byte)'-';
        Digits(destination[5..], time.Month, 2);
        destination[7] = (byte)'-';
        Digits(destination[8..], time.Day, 2);
        destination[10] = (byte)'T';
        Digits(destination[11..], time.Hour, 2);
        destination[13] = (byte)':';
        Digits(destination[14..], time.Minute, 2);
        destination[16] = (byte)':';
        Digits(destination[17..], time.Second, 2);
        return 19;
    }

    /// <summary>The fraction (if any) and the zone.</summary>
    public static int FormatFraction(long nanos, Span<byte> destination)
    {
        var length = 0;
        if (nanos != 0)
        {
            destination[length++] = (byte)'.';
            var digits = 9;
            while (nanos % 10 == 0)
            {
                nanos /= 10;
                digits--;
            }
            Digits(destination[length..], (int)nanos, digits);
            length += digits;
        }
        destination[length++] = (byte)'Z';
        return length;
    }

    public static string Format(long unixNanos)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return System.Text.Encoding.ASCII.GetString(buffer[..Format(unixNanos, buffer)]);
    }

    public static long ToUnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * TicksPerNano;

    /// <summary>Parses RFC 3339 with any fraction length and a Z or ±hh:mm zone (what Go's time.Time unmarshals).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':') return false;
        if (!Number(text[..4], out var year) || !Number(text.Slice(5, 2), out var month) || !Number(text.Slice(8, 2), out var day)
            || !Number(text.Slice(11, 2), out var hour) || !Number(text.Slice(14, 2), out var minute) || !Number(text.Slice(17, 2), out var second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        var rest = text[19..];
        long fraction = 0;
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && rest[digits] is >= (byte)'0' and <= (byte)'9') digits++;
            if (digits == 1) return false;
            var significant = rest[1..Math.Min(digits, 10)];
            fraction = Parse(significant);
            for (var i = significant.Length; i < 9; i++) fraction *= 10;
            rest = rest[digits..];
        }
        if (!Zone(rest, out var offsetSeconds)) return false;
        var seconds = ((new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond) - offsetSeconds;
        unixNanos = (seconds * NanosPerSecond) + fraction;
        return true;
    }

    private static bool Zone(ReadOnlySpan<byte> text, out long offsetSeconds)
    {
        offsetSeconds = 0;
        if (text.Length == 1 && (text[0] | 0x20) == 'z') return true;
        if (text.Length != 6 || text[0] is not ((byte)'+' or (byte)'-') || text[3] != ':') return false;
        if (!Number(text.Slice(1, 2), out var hours) || !Number(text.Slice(4, 2), out var minutes) || hours > 23 || minutes > 59) return false;
        offsetSeconds = ((hours * 60) + minutes) * 60 * (text[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool Number(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9') return false;
            value = (value * 10) + (d - '0');
        }
        return true;
    }

    private static long Parse(ReadOnlySpan<byte> digits) => Utf8Parser.TryParse(digits, out long value, out _) ? value : 0;

    private static void Digits(Span<byte> destination, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
