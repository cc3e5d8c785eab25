using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Sdk.Logging;

namespace Berth.Examples.DailyLog;

/// <summary>
/// One stored entry: a JSON line as Docker's json-file writes it — <c>{"log":"hi\n","stream":"stdout","time":"…"}</c>,
/// the time in RFC 3339 with nanoseconds, a whole line ending in "\n" and a partial one not.
/// </summary>
internal static class LogLine
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>The entry as one JSON line, newline included.</summary>
    public static byte[] Encode(LogEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(entry.Line.Length + 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("log", Encoding.UTF8.GetString(entry.Line.Span) + (entry.Partial ? "" : "\n"));
            json.WriteString("stream", entry.Source);
            json.WriteString("time", FormatTime(entry.TimeNano));
            json.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">The line is not an entry this driver wrote.</exception>
    public static LogEntry Decode(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var log = root.GetProperty("log").GetString() ?? "";
            var whole = log.EndsWith('\n');
            return new LogEntry(
                root.GetProperty("stream").GetString() ?? "stdout",
                ParseTime(root.GetProperty("time").GetString() ?? ""),
                Encoding.UTF8.GetBytes(whole ? log[..^1] : log),
                Partial: !whole);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not a daily-log entry: {ex.Message}", ex);
        }
    }

    /// <summary>The UTC day of a time in nanoseconds since the epoch, as the file name has it ("2026-11-29").</summary>
    public static string DayOf(long timeNano) =>
        DateTimeOffset.FromUnixTimeSeconds(Math.DivRem(timeNano, NanosPerSecond).Quotient).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FormatTime(long timeNano)
    {
        var (seconds, nanos) = Math.DivRem(timeNano, NanosPerSecond);
        return DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)
            + "." + nanos.ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }

    private static long ParseTime(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !text.EndsWith('Z')) throw new FormatException($"not an RFC 3339 time with nanoseconds: {text}");
        var seconds = DateTimeOffset.ParseExact(text[..dot], "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return seconds.ToUnixTimeSeconds() * NanosPerSecond + long.Parse(text[(dot + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
