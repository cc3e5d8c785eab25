using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>One answer record's type and RDATA; its name is always the question's.</summary>
internal readonly record struct DnsRecord(ushort Type, byte[] Data)
{
    /// <summary>An A record for an IPv4 address, an AAAA record for an IPv6 one.</summary>
    public static DnsRecord ForAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new(address.AddressFamily == AddressFamily.InterNetwork ? DnsMessage.TypeA : DnsMessage.TypeAaaa, address.GetAddressBytes());
    }

    /// <summary>A PTR record naming <paramref name="name"/>, or null when it is no valid domain name.</summary>
    public static DnsRecord? Pointer(string name) => DnsMessage.TryEncodeName(name, out var encoded) ? new DnsRecord(DnsMessage.TypePtr, encoded) : null;
}

/// <summary>The replies the embedded resolver writes (RFC 1035 §4.1), and the few header fields a forwarder touches.</summary>
internal static class DnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypePtr = 12;
    public const ushort TypeAaaa = 28;
    public const ushort TypeOpt = 41;
    public const ushort ClassInternet = 1;

    public const int NoError = 0;
    public const int FormatError = 1;
    public const int ServerFailure = 2;
    public const int NameError = 3;
    public const int NotImplemented = 4;
    public const int Refused = 5;

    /// <summary>Moby's TTL for the names it serves.</summary>
    public const uint TimeToLive = 600;

    /// <summary>The largest message a TCP frame (two length bytes) carries.</summary>
    public const int MaxTcpLength = ushort.MaxValue;

    private const ushort Response = 0x8000;
    private const ushort Authoritative = 0x0400;
    private const ushort Truncated = 0x0200;
    private const ushort RecursionDesired = 0x0100;
    private const ushort RecursionAvailable = 0x0080;
    private const ushort CheckingDisabled = 0x0010;
    private const ushort QuestionNamePointer = 0xC000 | DnsQuery.HeaderLength;

    /// <summary>
    /// The reply to <paramref name="query"/>: its id and question, <paramref name="answers"/> owned by the question name.
    /// Answers that do not fit in <paramref name="maxLength"/> are left out and the reply is marked truncated.
    /// </summary>
    public static byte[] Reply(DnsQuery query, int rcode, IReadOnlyList<DnsRecord> answers, int maxLength, bool authoritative = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(answers);
        var length = DnsQuery.HeaderLength + query.Question.Length;
        var fitting = 0;
        foreach (var answer in answers)
        {
            var next = length + 12 + answer.Data.Length;
            if (next > maxLength) break;
            length = next;
            fitting++;
        }
        var flags = (ushort)(Response | (query.Flags & (0x7800 | RecursionDesired | CheckingDisabled)) | RecursionAvailable | (rcode & 0xF));
        if (authoritative) flags |= Authoritative;
        if (fitting < answers.Count) flags |= Truncated;

        var message = new byte[length];
        var span = message.AsSpan();
        WriteHeader(span, query.Id, flags, questions: 1, answers: (ushort)fitting);
        query.Question.Span.CopyTo(span[DnsQuery.HeaderLength..]);
        var offset = DnsQuery.HeaderLength + query.Question.Length;
        for (var i = 0; i < fitting; i++)
        {
            var answer = answers[i];
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], QuestionNamePointer);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], answer.Type);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 4)..], ClassInternet);
            BinaryPrimitives.WriteUInt32BigEndian(span[(offset + 6)..], TimeToLive);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 10)..], (ushort)answer.Data.Length);
            answer.Data.CopyTo(span[(offset + 12)..]);
            offset += 12 + answer.Data.Length;
        }
        return message;
    }

    /// <summary>
    /// A reply of only a header (FORMERR, NOTIMP) to a message whose question may not be readable: the message's id,
    /// opcode and RD bit, no sections. Null when <paramref name="message"/> is shorter than a header.
    /// </summary>
    public static byte[]? HeaderOnlyReply(ReadOnlySpan<byte> message, int rcode)
    {
        if (message.Length < DnsQuery.HeaderLength) return null;
        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var reply = new byte[DnsQuery.HeaderLength];
        WriteHeader(reply, id, (ushort)(Response | (flags & (0x7800 | RecursionDesired)) | RecursionAvailable | (rcode & 0xF)), 0, 0);
        return reply;
    }

    /// <summary>A name in wire format, labels with their lengths and the root's zero; false for the root alone, an empty or too long label, a name too long.</summary>
    public static bool TryEncodeName(string name, out byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(name);
        encoded = [];
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length == 0) return false;
        var labels = trimmed.Split('.');
        var bytes = new List<byte>(trimmed.Length + 2);
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label.Any(c => c > 0x7F)) return false;
            bytes.Add((byte)label.Length);
            bytes.AddRange(label.Select(c => (byte)c));
        }
        bytes.Add(0);
        if (bytes.Count > 255) return false;
        encoded = [.. bytes];
        return true;
    }

    public static ushort Id(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    public static void SetId(Span<byte> message, ushort id) => BinaryPrimitives.WriteUInt16BigEndian(message, id);

    public static bool IsResponse(ReadOnlySpan<byte> message) => message.Length >= DnsQuery.HeaderLength && (message[2] & 0x80) != 0;

    public static int Rcode(ReadOnlySpan<byte> message) => message[3] & 0xF;

    private static void WriteHeader(Span<byte> span, ushort id, ushort flags, ushort questions, ushort answers)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], questions);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], answers);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], 0);
    }
}
