using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>Why a message is not a query the resolver answers.</summary>
internal enum DnsParseFailure
{
    None,

    /// <summary>Too short for a header, or a response: dropped without a word.</summary>
    Ignore,

    /// <summary>The header is readable but the question is not: answered with FORMERR.</summary>
    Malformed,

    /// <summary>An opcode other than QUERY: answered with NOTIMP.</summary>
    NotImplemented,
}

/// <summary>
/// A DNS query as the embedded resolver sees it (RFC 1035 §4.1): the header, the one question, and the UDP payload
/// size the client announced in an EDNS OPT record (RFC 6891), 512 without one.
/// </summary>
/// <param name="Id">The client's message id, echoed in the reply.</param>
/// <param name="Flags">The header's second 16 bits (QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode).</param>
/// <param name="Name">The question name, labels joined by dots, without the trailing dot, in the client's case. A dot or
/// backslash inside a label is escaped with a backslash, so such a name never matches a registered one.</param>
/// <param name="Type">QTYPE.</param>
/// <param name="Class">QCLASS.</param>
/// <param name="Question">The question section's bytes as sent, echoed in the reply.</param>
/// <param name="UdpPayloadSize">The largest UDP reply the client takes.</param>
internal sealed record DnsQuery(ushort Id, ushort Flags, string Name, ushort Type, ushort Class, ReadOnlyMemory<byte> Question, int UdpPayloadSize)
{
    public const int HeaderLength = 12;
    public const int MinimumUdpPayloadSize = 512;
    private const int MaxNameLength = 255;
    private const int MaxLabelLength = 63;

    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>Reads a query; a malformed question is <see cref="DnsParseFailure.Malformed"/>, a broken EDNS record is ignored.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out DnsQuery? query, out DnsParseFailure failure)
    {
        query = null;
        var span = message.Span;
        if (span.Length < HeaderLength)
        {
            failure = DnsParseFailure.Ignore;
            return false;
        }
        var id = BinaryPrimitives.ReadUInt16BigEndian(span);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        if ((flags & 0x8000) != 0)
        {
            failure = DnsParseFailure.Ignore;
            return false;
        }
        if (((flags >> 11) & 0xF) != 0)
        {
            failure = DnsParseFailure.NotImplemented;
            return false;
        }
        failure = DnsParseFailure.Malformed;
        var questions = BinaryPrimitives.ReadUInt16BigEndian(span[4..]);
        if (questions != 1) return false;
        var offset = HeaderLength;
        if (!TryReadQuestionName(span, ref offset, out var name)) return false;
        if (offset + 4 > span.Length) return false;
        var type = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 2)..]);
        offset += 4;
        var question = message[HeaderLength..offset];
        var udpSize = EdnsPayloadSize(span, offset) is { } announced ? Math.Max(announced, MinimumUdpPayloadSize) : MinimumUdpPayloadSize;
        query = new DnsQuery(id, flags, name, type, @class, question, udpSize);
        failure = DnsParseFailure.None;
        return true;
    }

    /// <summary>An uncompressed name: a query's first question has nothing before it a pointer could point to.</summary>
    private static bool TryReadQuestionName(ReadOnlySpan<byte> span, ref int offset, out string name)
    {
        name = "";
        var text = new StringBuilder();
        var length = 0;
        while (true)
        {
            if (offset >= span.Length) return false;
            int label = span[offset++];
            if (label == 0) break;
            if (label > MaxLabelLength) return false; // a pointer (0xC0) or a reserved label type
            length += label + 1;
            if (length + 1 > MaxNameLength || offset + label > span.Length) return false;
            if (text.Length > 0) text.Append('.');
            foreach (var b in span.Slice(offset, label))
            {
                if (b is (byte)'.' or (byte)'\\') text.Append('\\');
                text.Append((char)b);
            }
            offset += label;
        }
        name = text.ToString();
        return true;
    }

    /// <summary>The payload size of an OPT record in the additional section, if the rest of the message reads.</summary>
    private static int? EdnsPayloadSize(ReadOnlySpan<byte> span, int offset)
    {
        var records = BinaryPrimitives.ReadUInt16BigEndian(span[6..]) + BinaryPrimitives.ReadUInt16BigEndian(span[8..]);
        var additional = BinaryPrimitives.ReadUInt16BigEndian(span[10..]);
        for (var i = 0; i < records + additional; i++)
        {
            if (!SkipName(span, ref offset) || offset + 10 > span.Length) return null;
            var type = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            var @class = BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 2)..]);
            var dataLength = BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 8)..]);
            if (i >= records && type == DnsMessage.TypeOpt) return @class;
            offset += 10 + dataLength;
            if (offset > span.Length) return null;
        }
        return null;
    }

    private static bool SkipName(ReadOnlySpan<byte> span, ref int offset)
    {
        while (offset < span.Length)
        {
            int label = span[offset];
            if (label == 0)
            {
                offset++;
                return true;
            }
            if ((label & 0xC0) == 0xC0)
            {
                offset += 2;
                return offset <= span.Length;
            }
            if (label > MaxLabelLength) return false;
            offset += 1 + label;
        }
        return false;
    }
}
