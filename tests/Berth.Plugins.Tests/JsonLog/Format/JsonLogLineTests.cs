using System.Buffers;
using System.Text;
using Berth.Plugins.JsonLog.Format;
using Berth.Sdk.Logging;

namespace Berth.Plugins.Tests.JsonLog.Format;

public class JsonLogLineTests
{
    [Test]
    public void Write_EmptyPartialLine_LeavesOutLog()
    {
        var writer = new ArrayBufferWriter<byte>();

        var length = JsonLogLine.Write(writer, new LogEntryView("stdout"u8, 0, default, partial: true), default, new TimestampCache());

        Assert.That(Encoding.UTF8.GetString(writer.WrittenSpan), Is.EqualTo("{\"stream\":\"stdout\",\"time\":\"1970-01-01T00:00:00Z\"}\n"));
        Assert.That(length, Is.EqualTo(writer.WrittenCount));
    }

    [Test]
    public void TryParse_EscapedValues_UnescapesThem()
    {
        var line = "{\"log\":\"\\u003cé\\ud83d\\ude00\\n\",\"stream\":\"stderr\",\"attrs\":{\"a\":[1,{\"b\":2}]},\"time\":\"1970-01-01T00:00:01Z\"}"u8;
        var scratch = new byte[line.Length];

        Assert.That(JsonLogLine.TryParse(line, scratch, out var record), Is.True);
        var (log, stream, time) = (Encoding.UTF8.GetString(record.Log), Encoding.UTF8.GetString(record.Stream), record.TimeNano);
        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo("<é😀\n"));
            Assert.That(stream, Is.EqualTo("stderr"));
            Assert.That(time, Is.EqualTo(1_000_000_000));
        });
    }

    [TestCase("")]
    [TestCase("[]")]
    [TestCase("{\"log\":1}")]
    [TestCase("{\"log\":\"x\"")]
    [TestCase("{\"log\":\"x\",\"time\":\"yesterday\"}")]
    public void TryParse_NotAJsonFileLine_ReturnsFalse(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);

        Assert.That(JsonLogLine.TryParse(bytes, new byte[bytes.Length], out _), Is.False);
    }
}
