using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Berth.Sdk.Logging;

/// <summary>
/// Docker's log-plugin framing: a <c>uint32</c> big-endian length, then a protobuf <c>LogEntry</c>. A hand-written
/// codec for that one message, so the contract assembly needs no protobuf library. Default values are omitted on the
/// wire as proto3 (and Docker) do; unknown fields are skipped when decoding.
/// </summary>
public static class LogEntryCodec
{
    public const int HeaderLength = 4;

    /// <summary>The largest message accepted: a 1 MiB line plus room for the other fields.</summary>
    public const int MaxMessageLength = (1 << 20) + (1 << 16);

    private const int SourceTag = (1 << 3) | 2, TimeTag = (2 << 3) | 0, LineTag = (3 << 3) | 2, PartialTag = (4 << 3) | 0, MetadataTag = (5 << 3) | 2;
    private const int LastTag = (1 << 3) | 0, IdTag = (2 << 3) | 2, OrdinalTag = (3 << 3) | 0;
    private const int StackSourceLimit = 256;

    /// <summary>Appends one frame (header and message) to <paramref name="writer"/>.</summary>
    /// <exception cref="ArgumentException">The message would exceed <see cref="MaxMessageLength"/>: split the line.</exception>
    public static void Encode(IBufferWriter<byte> writer, in LogEntryView entry)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var length = GetFrameLength(entry);
        var span = writer.GetSpan(length);
        EncodeFrame(span, entry, length);
        writer.Advance(length);
    }

    /// <summary>Appends one frame (header and message) to <paramref name="writer"/>.</summary>
    public static void Encode(IBufferWriter<byte> writer, LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entry);
        Span<byte> source = SourceBuffer(entry.Source, stackalloc byte[StackSourceLimit]);
        Encode(writer, new LogEntryView(source, entry.TimeNano, entry.Line.Span, entry.Partial, entry.PartialMetadata));
    }

    /// <summary>Writes one frame to <paramref name="stream"/> in a single write.</summary>
    public static async ValueTask WriteAsync(Stream stream, LogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(entry);
        var (frame, length) = EncodeRented(entry);
        try
        {
            await stream.WriteAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>The size of the frame that <see cref="Encode(IBufferWriter{byte}, in LogEntryView)"/> writes.</summary>
    public static int GetFrameLength(in LogEntryView entry) => HeaderLength + MessageLength(entry);

    /// <summary>
    /// Decodes the frame at the start of <paramref name="buffer"/>. Returns false when the buffer does not hold a whole
    /// frame yet; <paramref name="frameLength"/> is then the length needed, once the header is there (else 0).
    /// </summary>
    /// <exception cref="InvalidDataException">The frame is larger than <see cref="MaxMessageLength"/> or malformed.</exception>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, out LogEntryView entry, out int frameLength)
    {
        entry = default;
        frameLength = 0;
        if (buffer.Length < HeaderLength) return false;
        var length = CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(buffer));
        frameLength = HeaderLength + length;
        if (buffer.Length < frameLength) return false;
        entry = DecodeMessage(buffer.Slice(HeaderLength, length));
        return true;
    }

    /// <summary>Reads one frame; null at a clean end of stream. Wrap unbuffered streams in a <see cref="BufferedStream"/>
    /// or use <see cref="LogEntryReader"/>, which also avoids the per-entry copies.</summary>
    /// <exception cref="InvalidDataException">The stream ends inside a frame, or the frame is too large or malformed.</exception>
    public static async ValueTask<LogEntry?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            var got = await stream.ReadAtLeastAsync(buffer.AsMemory(0, HeaderLength), HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (got == 0) return null;
            if (got < HeaderLength) throw Truncated();
            var length = CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(buffer));
            if (length > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(length);
            }
            got = await stream.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (got < length) throw Truncated();
            return DecodeMessage(buffer.AsSpan(0, length)).ToLogEntry();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes a message without its length header.</summary>
    /// <exception cref="InvalidDataException">The message is malformed.</exception>
    internal static LogEntryView DecodeMessage(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> source = default, line = default;
        long time = 0;
        var partial = false;
        PartialLogEntryMetadata? metadata = null;
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadKey(message, ref position);
            switch (key)
            {
                case SourceTag: source = ReadBytes(message, ref position); break;
                case TimeTag: time = (long)ReadVarint(message, ref position); break;
                case LineTag: line = ReadBytes(message, ref position); break;
                case PartialTag: partial = ReadVarint(message, ref position) != 0; break;
                case MetadataTag: metadata = DecodeMetadata(ReadBytes(message, ref position)); break;
                default: Skip(message, ref position, key); break;
            }
        }
        return new LogEntryView(source, time, line, partial, metadata);
    }

    private static (byte[] Frame, int Length) EncodeRented(LogEntry entry)
    {
        Span<byte> source = SourceBuffer(entry.Source, stackalloc byte[StackSourceLimit]);
        var view = new LogEntryView(source, entry.TimeNano, entry.Line.Span, entry.Partial, entry.PartialMetadata);
        var length = GetFrameLength(view);
        var frame = ArrayPool<byte>.Shared.Rent(length);
        EncodeFrame(frame, view, length);
        return (frame, length);
    }

    private static Span<byte> SourceBuffer(string source, Span<byte> scratch)
    {
        var count = Encoding.UTF8.GetByteCount(source);
        var bytes = count <= scratch.Length ? scratch[..count] : new byte[count];
        Encoding.UTF8.GetBytes(source, bytes);
        return bytes;
    }

    internal static InvalidDataException Truncated() => new("log entry frame is truncated");

    internal static int CheckedLength(uint length) => length <= MaxMessageLength
        ? (int)length
        : throw new InvalidDataException($"log entry of {length} bytes exceeds the limit of {MaxMessageLength} bytes");

    private static PartialLogEntryMetadata DecodeMetadata(ReadOnlySpan<byte> message)
    {
        var last = false;
        var id = "";
        var ordinal = 0;
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadKey(message, ref position);
            switch (key)
            {
                case LastTag: last = ReadVarint(message, ref position) != 0; break;
                case IdTag: id = Encoding.UTF8.GetString(ReadBytes(message, ref position)); break;
                case OrdinalTag: ordinal = (int)ReadVarint(message, ref position); break;
                default: Skip(message, ref position, key); break;
            }
        }
        return new PartialLogEntryMetadata(last, id, ordinal);
    }

    private static int MessageLength(in LogEntryView entry)
    {
        var length = 0;
        if (!entry.Source.IsEmpty) length += BytesFieldLength(entry.Source.Length);
        if (entry.TimeNano != 0) length += 1 + VarintLength((ulong)entry.TimeNano);
        if (!entry.Line.IsEmpty) length += BytesFieldLength(entry.Line.Length);
        if (entry.Partial) length += 2;
        if (entry.PartialMetadata is { } metadata) length += BytesFieldLength(MetadataLength(metadata));
        return length <= MaxMessageLength
            ? length
            : throw new ArgumentException($"log entry of {length} bytes exceeds the limit of {MaxMessageLength} bytes", nameof(entry));
    }

    private static int MetadataLength(PartialLogEntryMetadata metadata)
    {
        var length = metadata.Last ? 2 : 0;
        var id = Encoding.UTF8.GetByteCount(metadata.Id);
        if (id > 0) length += BytesFieldLength(id);
        if (metadata.Ordinal != 0) length += 1 + VarintLength((ulong)(long)metadata.Ordinal);
        return length;
    }

    private static int BytesFieldLength(int length) => 1 + VarintLength((ulong)length) + length;

    private static int VarintLength(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    private static void EncodeFrame(Span<byte> destination, in LogEntryView entry, int frameLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(frameLength - HeaderLength));
        var position = HeaderLength;
        if (!entry.Source.IsEmpty) WriteBytes(destination, ref position, SourceTag, entry.Source);
        if (entry.TimeNano != 0)
        {
            destination[position++] = TimeTag;
            WriteVarint(destination, ref position, (ulong)entry.TimeNano);
        }
        if (!entry.Line.IsEmpty) WriteBytes(destination, ref position, LineTag, entry.Line);
        if (entry.Partial)
        {
            destination[position++] = PartialTag;
            destination[position++] = 1;
        }
        if (entry.PartialMetadata is { } metadata) WriteMetadata(destination, ref position, metadata);
    }

    private static void WriteMetadata(Span<byte> destination, ref int position, PartialLogEntryMetadata metadata)
    {
        destination[position++] = MetadataTag;
        WriteVarint(destination, ref position, (ulong)MetadataLength(metadata));
        if (metadata.Last)
        {
            destination[position++] = LastTag;
            destination[position++] = 1;
        }
        if (metadata.Id.Length > 0)
        {
            destination[position++] = IdTag;
            WriteVarint(destination, ref position, (ulong)Encoding.UTF8.GetByteCount(metadata.Id));
            position += Encoding.UTF8.GetBytes(metadata.Id, destination[position..]);
        }
        if (metadata.Ordinal != 0)
        {
            destination[position++] = OrdinalTag;
            WriteVarint(destination, ref position, (ulong)(long)metadata.Ordinal);
        }
    }

    private static void WriteBytes(Span<byte> destination, ref int position, byte tag, ReadOnlySpan<byte> value)
    {
        destination[position++] = tag;
        WriteVarint(destination, ref position, (ulong)value.Length);
        value.CopyTo(destination[position..]);
        position += value.Length;
    }

    private static void WriteVarint(Span<byte> destination, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[position++] = (byte)value;
    }

    private static long ReadKey(ReadOnlySpan<byte> message, ref int position)
    {
        var key = ReadVarint(message, ref position);
        if (key >> 3 == 0 || key > uint.MaxValue) throw Malformed("invalid field key");
        return (long)key;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= message.Length) throw Malformed("truncated varint");
            var b = message[position++];
            if (shift == 63 && b > 1) throw Malformed("varint overflows 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Malformed("varint overflows 64 bits");
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> message, scoped ref int position)
    {
        var length = ReadVarint(message, ref position);
        if (length > (ulong)(message.Length - position)) throw Malformed("field length runs past the end of the message");
        var value = message.Slice(position, (int)length);
        position += (int)length;
        return value;
    }

    private static void Skip(ReadOnlySpan<byte> message, ref int position, long key)
    {
        switch (key & 7)
        {
            case 0: ReadVarint(message, ref position); break;
            case 1: Advance(message, ref position, 8); break;
            case 2: ReadBytes(message, ref position); break;
            case 5: Advance(message, ref position, 4); break;
            default: throw Malformed($"unsupported wire type {key & 7}");
        }
    }

    private static void Advance(ReadOnlySpan<byte> message, ref int position, int count)
    {
        if (message.Length - position < count) throw Malformed("fixed-size field runs past the end of the message");
        position += count;
    }

    private static InvalidDataException Malformed(string why) => new($"malformed log entry: {why}");
}

/// <summary>
/// Reads frames from a stream in large chunks into one reusable buffer: no allocation per entry. <see cref="Current"/>
/// points into that buffer and is valid until the next <see cref="MoveNextAsync"/>.
/// </summary>
public sealed class LogEntryReader
{
    private readonly Stream stream;
    private byte[] buffer;
    private int start, end, current;

    public LogEntryReader(Stream stream, int bufferSize = 64 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, LogEntryCodec.HeaderLength);
        this.stream = stream;
        buffer = new byte[bufferSize];
    }

    /// <exception cref="InvalidDataException">The entry is malformed.</exception>
    public LogEntryView Current => current > 0
        ? LogEntryCodec.DecodeMessage(buffer.AsSpan(start + LogEntryCodec.HeaderLength, current - LogEntryCodec.HeaderLength))
        : throw new InvalidOperationException("MoveNextAsync has not returned true");

    /// <summary>Moves to the next frame; false at a clean end of stream.</summary>
    /// <exception cref="InvalidDataException">The stream ends inside a frame, or the frame is too large.</exception>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        start += current;
        current = 0;
        while (true)
        {
            var needed = NextFrameLength();
            if (needed > 0 && end - start >= needed)
            {
                current = needed;
                return true;
            }
            MakeRoom(needed);
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (end == start) return false;
                throw LogEntryCodec.Truncated();
            }
            end += read;
        }
    }

    private int NextFrameLength() => end - start < LogEntryCodec.HeaderLength
        ? 0
        : LogEntryCodec.HeaderLength + LogEntryCodec.CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start)));

    private void MakeRoom(int needed)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (needed > buffer.Length) Array.Resize(ref buffer, needed);
    }
}
