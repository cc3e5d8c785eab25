using System.Buffers;
using System.Text;

namespace Berth.Plugins.JsonLog.Format;

/// <summary>
/// JSON string escaping byte-for-byte as Go writes it. Both of Docker's encoders are HTML-safe (&lt; &gt; &amp; as
/// \u003c \u003e \u0026), escape U+2028/U+2029 and turn each invalid UTF-8 byte into \ufffd. They differ on control
/// characters: the json-file log line writer (jsonlogbytes.go) has short forms only for \n and \r, while
/// encoding/json (used for <c>attrs</c>) also has \b, \f and \t.
/// </summary>
internal static class JsonString
{
    private static readonly SearchValues<byte> Special = SearchValues.Create(SpecialBytes());

    /// <summary>The most bytes <see cref="Write"/> can produce for <paramref name="length"/> input bytes.</summary>
    public static int MaxLength(int length) => 2 + (6 * length);

    public static int Write(Span<byte> destination, ReadOnlySpan<byte> value, bool goShortEscapes)
    {
        var position = 0;
        destination[position++] = (byte)'"';
        while (true)
        {
            var next = value.IndexOfAny(Special);
            if (next < 0) break;
            value[..next].CopyTo(destination[position..]);
            position += next;
            value = value[next..];
            if (value[0] < 0x80)
            {
                position += EscapeAscii(destination[position..], value[0], goShortEscapes);
                value = value[1..];
                continue;
            }
            if (Rune.DecodeFromUtf8(value, out var rune, out var consumed) != OperationStatus.Done)
            {
                position += Unicode(destination[position..], 0xFFFD);
                value = value[1..];
                continue;
            }
            if (rune.Value is 0x2028 or 0x2029) position += Unicode(destination[position..], rune.Value);
            else
            {
                value[..consumed].CopyTo(destination[position..]);
                position += consumed;
            }
            value = value[consumed..];
        }
        value.CopyTo(destination[position..]);
        position += value.Length;
        destination[position++] = (byte)'"';
        return position;
    }

    /// <summary>Escapes a .NET string as encoding/json does (via its UTF-8 form).</summary>
    public static void Write(IBufferWriter<byte> writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var span = writer.GetSpan(MaxLength(bytes.Length));
        writer.Advance(Write(span, bytes, goShortEscapes: true));
    }

    private static int EscapeAscii(Span<byte> destination, byte b, bool goShortEscapes)
    {
        var shortForm = b switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            (byte)'\b' when goShortEscapes => (byte)'b',
            (byte)'\f' when goShortEscapes => (byte)'f',
            (byte)'\t' when goShortEscapes => (byte)'t',
            _ => (byte)0,
        };
        if (shortForm == 0) return Unicode(destination, b);
        destination[0] = (byte)'\\';
        destination[1] = shortForm;
        return 2;
    }

    private static int Unicode(Span<byte> destination, int value)
    {
        "\\u"u8.CopyTo(destination);
        destination[2] = Hex(value >> 12);
        destination[3] = Hex(value >> 8);
        destination[4] = Hex(value >> 4);
        destination[5] = Hex(value);
        return 6;
    }

    private static byte Hex(int nibble) => "0123456789abcdef"u8[nibble & 0xF];

    private static byte[] SpecialBytes()
    {
        var bytes = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (b < 0x20 || b >= 0x80 || b is '"' or '\\' or '<' or '>' or '&') bytes.Add((byte)b);
        }
        return [.. bytes];
    }
}
