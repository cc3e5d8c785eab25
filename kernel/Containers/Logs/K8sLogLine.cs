using System.Globalization;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// One line of conmon's k8s-file log: <c>2024-05-01T10:00:00.123456789+00:00 stdout F text</c>, where P marks a
/// piece of a longer line that continues in the next record. The timestamp is parsed once per distinct value
/// (conmon stamps every line of one read with the same time).
/// </summary>
public static class K8sLogLine
{
    /// <summary>Splits <paramref name="line"/> (without its newline).</summary>
    /// <returns>false when the line is not in k8s-file form.</returns>
    public static bool TryParse(ReadOnlySpan<byte> line, ref TimestampCache cache, out long timeNano, out bool stderr, out bool partial, out ReadOnlySpan<byte> text)
    {
        timeNano = 0;
        stderr = false;
        partial = false;
        text = default;
        var space = line.IndexOf((byte)' ');
        if (space <= 0) return false;
        timeNano = cache.Parse(line[..space]);
        var rest = line[(space + 1)..];
        if (rest.StartsWith("stdout "u8)) stderr = false;
        else if (rest.StartsWith("stderr "u8)) stderr = true;
        else return false;
        rest = rest[7..];
        if (rest.Length < 1) return false;
        partial = rest[0] == (byte)'P';
        text = rest.Length > 1 ? rest[2..] : default;
        return true;
    }

    /// <summary>Remembers the last timestamp text and its value.</summary>
    public struct TimestampCache
    {
        private byte[]? last;
        private long value;

        public long Parse(ReadOnlySpan<byte> stamp)
        {
            if (last is not null && stamp.SequenceEqual(last)) return value;
            last = stamp.ToArray();
            value = ParseNanos(stamp);
            return value;
        }

        /// <summary>
        /// .NET parses at most 7 fraction digits (100 ns ticks) and rounds the rest, so the fraction is cut to 7
        /// digits for the parser and its 8th and 9th digits are added as nanoseconds.
        /// </summary>
        private static long ParseNanos(ReadOnlySpan<byte> stamp)
        {
            var text = System.Text.Encoding.ASCII.GetString(stamp);
            var extra = 0L;
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0)
            {
                var digits = dot + 1;
                while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
                var fraction = text[(dot + 1)..digits];
                if (fraction.Length > 7)
                {
                    var beyond = fraction[7..].PadRight(2, '0')[..2];
                    extra = long.Parse(beyond, CultureInfo.InvariantCulture);
                    text = text[..(dot + 8)] + text[digits..];
                }
            }
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? (parsed.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + extra
                : 0;
        }
    }
}
