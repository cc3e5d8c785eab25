using System.Text;

namespace Berth.Sdk.Logging;

/// <summary>
/// One message of Docker's log-plugin protocol (moby <c>api/types/plugins/logdriver/entry.proto</c>).
/// <paramref name="Line"/> excludes the trailing newline; <paramref name="Partial"/> means the line was split and the
/// next entry continues it. <see cref="ReadOnlyMemory{T}"/> compares by reference: compare <c>Line.ToArray()</c>.
/// </summary>
public sealed record LogEntry(string Source, long TimeNano, ReadOnlyMemory<byte> Line, bool Partial, PartialLogEntryMetadata? PartialMetadata = null);

/// <summary>Docker's <c>PartialLogEntryMetadata</c>: which piece of a split line an entry is.</summary>
public sealed record PartialLogEntryMetadata(bool Last, string Id, int Ordinal);

/// <summary>
/// A <see cref="LogEntry"/> whose byte fields point into a buffer: what <see cref="LogEntryCodec"/> decodes and
/// encodes without allocating. <see cref="Source"/> is UTF-8.
/// </summary>
public readonly ref struct LogEntryView
{
    public LogEntryView(ReadOnlySpan<byte> source, long timeNano, ReadOnlySpan<byte> line, bool partial, PartialLogEntryMetadata? partialMetadata = null)
    {
        Source = source;
        TimeNano = timeNano;
        Line = line;
        Partial = partial;
        PartialMetadata = partialMetadata;
    }

    public ReadOnlySpan<byte> Source { get; }
    public long TimeNano { get; }
    public ReadOnlySpan<byte> Line { get; }
    public bool Partial { get; }
    public PartialLogEntryMetadata? PartialMetadata { get; }

    /// <summary>Copies the entry out of the buffer; "stdout" and "stderr" are not re-allocated.</summary>
    public LogEntry ToLogEntry()
    {
        var source = Source.SequenceEqual("stdout"u8) ? "stdout"
            : Source.SequenceEqual("stderr"u8) ? "stderr"
            : Encoding.UTF8.GetString(Source);
        return new LogEntry(source, TimeNano, Line.ToArray(), Partial, PartialMetadata);
    }
}
