using System.Buffers;
using System.Text.Json;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Format;

/// <summary>
/// One line of a json-file log, exactly as moby's jsonlog.JSONLogs.MarshalJSONBuf writes it:
/// <c>{"log":"hello\n","stream":"stdout","attrs":{...},"time":"2024-05-01T10:00:00.000000001Z"}</c> and a newline.
/// Empty <c>log</c>/<c>stream</c> and absent attributes are left out, as there.
/// </summary>
internal static class JsonLogLine
{
    /// <summary>Appends the line for <paramref name="entry"/>; returns its length in bytes.</summary>
    public static int Write(IBufferWriter<byte> writer, in LogEntryView entry, ReadOnlySpan<byte> attributes, TimestampCache stamps)
    {
        // Docker ends the line unless it is a piece of a split line that is not the last piece.
        var newline = !entry.Partial || entry.PartialMetadata is { Last: true };
        var logLength = entry.Line.Length + (newline ? 1 : 0);
        var span = writer.GetSpan(48 + JsonString.MaxLength(logLength) + JsonString.MaxLength(entry.Source.Length) + attributes.Length + Rfc3339Nano.MaxLength);
        var position = 0;
        span[position++] = (byte)'{';
        if (logLength > 0)
        {
            position += Append(span[position..], "\"log\":"u8);
            position += JsonString.Write(span[position..], entry.Line, goShortEscapes: false);
            if (newline)
            {
                position--;
                position += Append(span[position..], "\\n\""u8);
            }
            span[position++] = (byte)',';
        }
        if (!entry.Source.IsEmpty)
        {
            position += Append(span[position..], "\"stream\":"u8);
            position += JsonString.Write(span[position..], entry.Source, goShortEscapes: false);
            span[position++] = (byte)',';
        }
        if (!attributes.IsEmpty)
        {
            position += Append(span[position..], "\"attrs\":"u8);
            position += Append(span[position..], attributes);
            span[position++] = (byte)',';
        }
        position += Append(span[position..], "\"time\":\""u8);
        position += stamps.Format(entry.TimeNano, span[position..]);
        position += Append(span[position..], "\"}\n"u8);
        writer.Advance(position);
        return position;
    }

    /// <summary>
    /// Parses a line (without its newline). The unescaped values land in <paramref name="scratch"/>, which must be at
    /// least as long as <paramref name="json"/>. False for a line that is not a json-file record.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, Span<byte> scratch, out JsonLogRecord record)
    {
        record = default;
        ReadOnlySpan<byte> log = default, stream = default;
        long time = 0;
        var used = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("log"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                    var length = reader.CopyString(scratch[used..]);
                    log = scratch.Slice(used, length);
                    used += length;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                    var length = reader.CopyString(scratch[used..]);
                    stream = scratch.Slice(used, length);
                    used += length;
                }
                else if (reader.ValueTextEquals("time"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                    var length = reader.CopyString(scratch[used..]);
                    if (!Rfc3339Nano.TryParse(scratch.Slice(used, length), out time)) return false;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) return false;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
        record = new JsonLogRecord(log, stream, time);
        return true;
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}

/// <summary>A parsed json-file line; <see cref="Log"/> keeps its trailing newline when it has one.</summary>
internal readonly ref struct JsonLogRecord(ReadOnlySpan<byte> log, ReadOnlySpan<byte> stream, long timeNano)
{
    public ReadOnlySpan<byte> Log { get; } = log;
    public ReadOnlySpan<byte> Stream { get; } = stream;
    public long TimeNano { get; } = timeNano;
}
