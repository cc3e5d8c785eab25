using System.Text;
using Berth.Plugins.JsonLog.Format;

namespace Berth.Plugins.Tests.JsonLog.Format;

public class JsonStringTests
{
    [TestCase("plain text", "\"plain text\"")]
    [TestCase("<>&", "\"\\u003c\\u003e\\u0026\"")]
    [TestCase("q\"b\\", "\"q\\\"b\\\\\"")]
    [TestCase("\n\r", "\"\\n\\r\"")]
    [TestCase("\t\b\f\u001f\u007f", "\"\\u0009\\u0008\\u000c\\u001f\u007f\"")]
    [TestCase("\u2028\u2029", "\"\\u2028\\u2029\"")]
    [TestCase("é€😀", "\"é€😀\"")]
    public void Write_DockerLogLine_EscapesAsJsonlogbytes(string value, string expected)
    {
        Assert.That(Escape(Encoding.UTF8.GetBytes(value), goShortEscapes: false), Is.EqualTo(expected));
    }

    [TestCase("\t\b\f\u0001", "\"\\t\\b\\f\\u0001\"")]
    [TestCase("<x>", "\"\\u003cx\\u003e\"")]
    public void Write_EncodingJson_UsesGoShortEscapes(string value, string expected)
    {
        Assert.That(Escape(Encoding.UTF8.GetBytes(value), goShortEscapes: true), Is.EqualTo(expected));
    }

    [Test]
    public void Write_InvalidUtf8_ReplacesEachBadByte()
    {
        byte[] value = [(byte)'a', 0xff, 0xe2, 0x82, (byte)'b', 0xed, 0xa0, 0x80, 0xef, 0xbf, 0xbd];

        Assert.That(Escape(value, goShortEscapes: false), Is.EqualTo("\"a\\ufffd\\ufffd\\ufffdb\\ufffd\\ufffd\\ufffd\uFFFD\""));
    }

    private static string Escape(byte[] value, bool goShortEscapes)
    {
        var buffer = new byte[JsonString.MaxLength(value.Length)];
        return Encoding.UTF8.GetString(buffer, 0, JsonString.Write(buffer, value, goShortEscapes));
    }
}
