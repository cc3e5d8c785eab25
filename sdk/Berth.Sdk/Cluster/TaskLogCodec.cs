using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Cluster;

/// <summary>What a <see cref="TaskLogRecord"/> carries.</summary>
public enum TaskLogRecordKind : byte
{
    /// <summary>One log entry of the task's container.</summary>
    Entry = 1,

    /// <summary>Some logs could not be gathered (Moby's "incomplete log stream" warning); the text says why.</summary>
    Warning = 2,

    /// <summary>Nothing to say: sent while a followed stream is idle, so that a reader that went away is noticed.</summary>
    Keepalive = 3,

    /// <summary>The sender has sent everything it will for this stream.</summary>
    End = 4,
}

/// <summary>One record of a cluster log stream: a task's entry with the ids <c>docker service logs</c> prefixes it with, or a control record.</summary>
public sealed record TaskLogRecord(TaskLogRecordKind Kind, string NodeId, string ServiceId, string TaskId, LogEntry? Entry = null, string? Warning = null)
{
    public static TaskLogRecord Keepalive { get; } = new(TaskLogRecordKind.Keepalive, "", "", "");

    public static TaskLogRecord End { get; } = new(TaskLogRecordKind.End, "", "", "");

    public static TaskLogRecord ForWarning(string text) => new(TaskLogRecordKind.Warning, "", "", "", Warning: text);
}

/// <summary>
/// The framing of cluster log streams: a <c>uint32</c> big-endian length, then the kind byte, the node, service and
/// task ids (each a length byte and ASCII), then for an entry the protobuf <c>LogEntry</c> message of
/// <see cref="LogEntryCodec"/>, for a warning its UTF-8 text.
/// </summary>
public static class TaskLogCodec
{
    private const int MaxRecordLength = LogEntryCodec.MaxMessageLength + 1024;

    /// <summary>Writes one record in a single write.</summary>
    public static async ValueTask WriteAsync(Stream stream, TaskLogRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var frame = Encode(record);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One record as bytes, header included.</summary>
    public static byte[] Encode(TaskLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var payload = new ArrayBufferWriter<byte>();
        payload.Write([(byte)record.Kind]);
        WriteId(payload, record.NodeId);
        WriteId(payload, record.ServiceId);
        WriteId(payload, record.TaskId);
        if (record.Kind == TaskLogRecordKind.Entry)
        {
            var entry = record.Entry ?? throw new ArgumentException("an entry record needs its entry", nameof(record));
            var frame = new ArrayBufferWriter<byte>();
            LogEntryCodec.Encode(frame, entry);
            payload.Write(frame.WrittenSpan[LogEntryCodec.HeaderLength..]);
        }
        else if (record.Warning is { } warning)
        {
            payload.Write(Encoding.UTF8.GetBytes(warning));
        }
        var result = new byte[4 + payload.WrittenCount];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)payload.WrittenCount);
        payload.WrittenSpan.CopyTo(result.AsSpan(4));
        return result;
    }

    /// <summary>The next record; null at a clean end of stream.</summary>
    /// <exception cref="InvalidDataException">The stream ends inside a record, or the record is malformed.</exception>
    public static async ValueTask<TaskLogRecord?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[4];
        var got = await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < 4) throw new InvalidDataException("task log record is truncated");
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length is 0 or > MaxRecordLength) throw new InvalidDataException($"task log record of {length} bytes refused");
        var payload = new byte[length];
        if (await stream.ReadAtLeastAsync(payload, (int)length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < length)
            throw new InvalidDataException("task log record is truncated");
        return Decode(payload);
    }

    private static TaskLogRecord Decode(ReadOnlySpan<byte> payload)
    {
        var kind = (TaskLogRecordKind)payload[0];
        var position = 1;
        var node = ReadId(payload, ref position);
        var service = ReadId(payload, ref position);
        var task = ReadId(payload, ref position);
        var rest = payload[position..];
        return kind switch
        {
            TaskLogRecordKind.Entry => new TaskLogRecord(kind, node, service, task, LogEntryCodec.DecodeMessage(rest).ToLogEntry()),
            TaskLogRecordKind.Warning => new TaskLogRecord(kind, node, service, task, Warning: Encoding.UTF8.GetString(rest)),
            TaskLogRecordKind.Keepalive or TaskLogRecordKind.End => new TaskLogRecord(kind, node, service, task),
            _ => throw new InvalidDataException($"unknown task log record kind {(byte)kind}"),
        };
    }

    private static void WriteId(ArrayBufferWriter<byte> writer, string id)
    {
        var bytes = Encoding.ASCII.GetBytes(id);
        if (bytes.Length > byte.MaxValue) throw new ArgumentException($"id {id} is too long for a task log record");
        writer.Write([(byte)bytes.Length]);
        writer.Write(bytes);
    }

    private static string ReadId(ReadOnlySpan<byte> payload, ref int position)
    {
        if (position >= payload.Length) throw new InvalidDataException("task log record is truncated");
        var length = payload[position++];
        if (payload.Length - position < length) throw new InvalidDataException("task log record is truncated");
        var id = Encoding.ASCII.GetString(payload.Slice(position, length));
        position += length;
        return id;
    }
}
