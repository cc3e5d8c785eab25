using System.Buffers;
using System.Text;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Tests.Logging;

public class LogEntryCodecTests
{
    [Test]
    public void Encode_Entry_WritesDockerFraming()
    {
        var frame = Encode(new LogEntry("stdout", 300, "hi"u8.ToArray(), Partial: true));

        byte[] expected =
        [
            0, 0, 0, 17,
            0x0A, 6, .. "stdout"u8,
            0x10, 0xAC, 0x02,
            0x1A, 2, .. "hi"u8,
            0x20, 1,
        ];
        Assert.That(frame, Is.EqualTo(expected));
    }

    [Test]
    public void Encode_DefaultValues_AreOmitted()
    {
        Assert.That(Encode(new LogEntry("", 0, ReadOnlyMemory<byte>.Empty, Partial: false)), Is.EqualTo(new byte[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void EncodeThenDecode_WithPartialMetadata_RoundTrips()
    {
        var metadata = new PartialLogEntryMetadata(Last: true, Id: "abc-é", Ordinal: -3);
        var entry = new LogEntry("stderr", -1_000_000_123, Encoding.UTF8.GetBytes("a line ✓"), Partial: true, metadata);

        var decoded = Decode(Encode(entry));

        Assert.Multiple(() =>
        {
            Assert.That(decoded.Source, Is.EqualTo("stderr"));
            Assert.That(decoded.TimeNano, Is.EqualTo(-1_000_000_123));
            Assert.That(decoded.Line.ToArray(), Is.EqualTo(entry.Line.ToArray()));
            Assert.That(decoded.Partial, Is.True);
            Assert.That(decoded.PartialMetadata, Is.EqualTo(metadata));
        });
    }

    [Test]
    public void TryDecode_UnknownFieldsOfEveryWireType_AreSkipped()
    {
        byte[] message =
        [
            (9 << 3) | 0, 0x96, 0x01,
            (10 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8,
            0x0A, 6, .. "stdout"u8,
            (11 << 3) | 2, 3, 9, 9, 9,
            (12 << 3) | 5, 1, 2, 3, 4,
            0x1A, 1, (byte)'x',
            0x2A, 6, (7 << 3) | 0, 1, 0x08, 1, 0x18, 4,
        ];

        var decoded = Decode([0, 0, 0, (byte)message.Length, .. message]);

        Assert.Multiple(() =>
        {
            Assert.That(decoded.Source, Is.EqualTo("stdout"));
            Assert.That(decoded.Line.ToArray(), Is.EqualTo("x"u8.ToArray()));
            Assert.That(decoded.PartialMetadata, Is.EqualTo(new PartialLogEntryMetadata(true, "", 4)));
        });
    }

    [Test]
    public void TryDecode_IncompleteFrame_ReturnsFalseWithTheLengthNeeded()
    {
        var frame = Encode(new LogEntry("stdout", 1, "hello"u8.ToArray(), false));

        var complete = LogEntryCodec.TryDecode(frame.AsSpan(0, frame.Length - 1), out _, out var needed);
        var header = LogEntryCodec.TryDecode(frame.AsSpan(0, 2), out _, out var unknown);

        Assert.Multiple(() =>
        {
            Assert.That(complete, Is.False);
            Assert.That(needed, Is.EqualTo(frame.Length));
            Assert.That(header, Is.False);
            Assert.That(unknown, Is.Zero);
        });
    }

    [Test]
    public void TryDecode_FrameOverTheLimit_Throws()
    {
        byte[] header = [0, 0x20, 0, 0];

        Assert.Throws<InvalidDataException>(() => LogEntryCodec.TryDecode(header, out _, out _));
    }

    [Test]
    public void TryDecode_FieldRunningPastTheMessage_Throws()
    {
        byte[] frame = [0, 0, 0, 3, 0x1A, 9, (byte)'x'];

        Assert.Throws<InvalidDataException>(() => LogEntryCodec.TryDecode(frame, out _, out _));
    }

    [Test]
    public async Task WriteAsyncThenReadAsync_SeveralEntries_RoundTripAndEndWithNull()
    {
        using var stream = new MemoryStream();
        for (var i = 0; i < 3; i++)
            await LogEntryCodec.WriteAsync(stream, new LogEntry("stdout", i + 1, Encoding.UTF8.GetBytes($"line {i}"), false), CancellationToken.None);
        stream.Position = 0;

        var lines = new List<string>();
        while (await LogEntryCodec.ReadAsync(stream, CancellationToken.None) is { } entry) lines.Add(Encoding.UTF8.GetString(entry.Line.Span));

        Assert.That(lines, Is.EqualTo(new[] { "line 0", "line 1", "line 2" }));
    }

    [Test]
    public async Task ReadAsync_LargeLine_RoundTrips()
    {
        var line = new byte[1 << 20];
        Random.Shared.NextBytes(line);
        using var stream = new MemoryStream(Encode(new LogEntry("stdout", 5, line, false)));

        var entry = await LogEntryCodec.ReadAsync(stream, CancellationToken.None);

        Assert.That(entry!.Line.ToArray(), Is.EqualTo(line));
    }

    [TestCase(2)]
    [TestCase(4)]
    [TestCase(10)]
    public void ReadAsync_TruncatedFrame_Throws(int keep)
    {
        var frame = Encode(new LogEntry("stdout", 1, "hello"u8.ToArray(), false));
        using var stream = new MemoryStream(frame[..keep]);

        Assert.ThrowsAsync<InvalidDataException>(async () => await LogEntryCodec.ReadAsync(stream, CancellationToken.None));
    }

    [Test]
    public void ReadAsync_FrameOverTheLimit_Throws()
    {
        using var stream = new MemoryStream([0, 0x20, 0, 0, 1, 2, 3]);

        Assert.ThrowsAsync<InvalidDataException>(async () => await LogEntryCodec.ReadAsync(stream, CancellationToken.None));
    }

    [Test]
    public async Task LogEntryReader_ManySmallReads_YieldsEveryFrame()
    {
        var frames = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 1000; i++) LogEntryCodec.Encode(frames, new LogEntry(i % 2 == 0 ? "stdout" : "stderr", i, Encoding.UTF8.GetBytes(new string('x', i)), false));
        var reader = new LogEntryReader(new TrickleStream(frames.WrittenMemory.ToArray(), 7), bufferSize: 16);

        var count = 0;
        while (await reader.MoveNextAsync(CancellationToken.None))
        {
            var entry = reader.Current;
            Assert.That(entry.Line.Length, Is.EqualTo(count));
            Assert.That(entry.Source.SequenceEqual(count % 2 == 0 ? "stdout"u8 : "stderr"u8), Is.True);
            count++;
        }

        Assert.That(count, Is.EqualTo(1000));
    }

    [Test]
    public void LogEntryReader_TruncatedFrame_Throws()
    {
        var frame = Encode(new LogEntry("stdout", 1, "hello"u8.ToArray(), false));
        var reader = new LogEntryReader(new MemoryStream(frame[..^1]));

        Assert.ThrowsAsync<InvalidDataException>(async () => await reader.MoveNextAsync(CancellationToken.None));
    }

    private static byte[] Encode(LogEntry entry)
    {
        var writer = new ArrayBufferWriter<byte>();
        LogEntryCodec.Encode(writer, entry);
        return writer.WrittenSpan.ToArray();
    }

    private static LogEntry Decode(byte[] frame)
    {
        Assert.That(LogEntryCodec.TryDecode(frame, out var view, out var length), Is.True);
        Assert.That(length, Is.EqualTo(frame.Length));
        return view.ToLogEntry();
    }

    /// <summary>Hands out at most a few bytes per read, so frames straddle reads.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
