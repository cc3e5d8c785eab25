using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Berth.Plugins.Tests.BridgeNet.Dns.Support;

/// <summary>A reply as a test reads it.</summary>
internal sealed record DnsReply(ushort Id, ushort Flags, string QuestionName, ushort QuestionType, IReadOnlyList<DnsAnswer> Answers)
{
    public int Rcode => Flags & 0xF;
    public bool Truncated => (Flags & 0x0200) != 0;
    public bool Authoritative => (Flags & 0x0400) != 0;
    public IReadOnlyList<IPAddress> Addresses => Answers.Where(a => a.Type is 1 or 28).Select(a => new IPAddress(a.Data)).ToList();
}

internal sealed record DnsAnswer(ushort Type, uint Ttl, byte[] Data)
{
    /// <summary>The domain name in a PTR record's data (uncompressed), with its trailing dot.</summary>
    public string PointerName
    {
        get
        {
            var text = new StringBuilder();
            for (var offset = 0; Data[offset] != 0; offset += Data[offset] + 1)
                text.Append(Encoding.ASCII.GetString(Data, offset + 1, Data[offset])).Append('.');
            return text.ToString();
        }
    }
}

/// <summary>DNS messages written and read by hand, independently of the code under test (RFC 1035 §4.1).</summary>
internal static class DnsWire
{
    public const ushort A = 1;
    public const ushort Ptr = 12;
    public const ushort Mx = 15;
    public const ushort Aaaa = 28;

    /// <summary>A standard query with one question, RD set, and an OPT record when <paramref name="ednsSize"/> is given.</summary>
    public static byte[] Query(string name, ushort type, ushort id = 0x1234, int? ednsSize = null)
    {
        var bytes = new List<byte>();
        Add16(bytes, id);
        Add16(bytes, 0x0100);
        Add16(bytes, 1);
        Add16(bytes, 0);
        Add16(bytes, 0);
        Add16(bytes, (ushort)(ednsSize is null ? 0 : 1));
        bytes.AddRange(Name(name));
        Add16(bytes, type);
        Add16(bytes, 1);
        if (ednsSize is { } size)
        {
            bytes.Add(0);
            Add16(bytes, 41);
            Add16(bytes, (ushort)size);
            Add16(bytes, 0);
            Add16(bytes, 0);
            Add16(bytes, 0);
        }
        return [.. bytes];
    }

    /// <summary>An upstream's answer to <paramref name="query"/>: the same id and question, one A record (TTL 60), or none.</summary>
    public static byte[] Answer(byte[] query, IPAddress? address, int rcode = 0)
    {
        var end = 12;
        while (query[end] != 0) end += query[end] + 1;
        end += 5;
        var bytes = new List<byte>(query[..end]);
        bytes[2] = (byte)(0x80 | (query[2] & 0x01));
        bytes[3] = (byte)(0x80 | rcode);
        bytes[6] = 0;
        bytes[7] = (byte)(address is null ? 0 : 1);
        bytes[8] = bytes[9] = bytes[10] = bytes[11] = 0;
        if (address is not null)
        {
            Add16(bytes, 0xC00C);
            Add16(bytes, 1);
            Add16(bytes, 1);
            Add16(bytes, 0);
            Add16(bytes, 60);
            Add16(bytes, 4);
            bytes.AddRange(address.GetAddressBytes());
        }
        return [.. bytes];
    }

    public static ushort Id(byte[] message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    public static DnsReply Parse(byte[] message)
    {
        var span = message.AsSpan();
        var id = BinaryPrimitives.ReadUInt16BigEndian(span);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(span[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(span[6..]);
        var offset = 12;
        var name = "";
        ushort type = 0;
        for (var i = 0; i < questions; i++)
        {
            name = ReadName(message, ref offset);
            type = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            offset += 4;
        }
        var records = new List<DnsAnswer>();
        for (var i = 0; i < answers; i++)
        {
            ReadName(message, ref offset);
            var recordType = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(span[(offset + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 8)..]);
            records.Add(new DnsAnswer(recordType, ttl, span.Slice(offset + 10, length).ToArray()));
            offset += 10 + length;
        }
        Assert.That(offset, Is.LessThanOrEqualTo(message.Length));
        return new DnsReply(id, flags, name, type, records);
    }

    private static string ReadName(byte[] message, ref int offset)
    {
        var labels = new List<string>();
        while (true)
        {
            var length = message[offset];
            if (length == 0)
            {
                offset++;
                return string.Join('.', labels);
            }
            if ((length & 0xC0) == 0xC0)
            {
                var target = ((length & 0x3F) << 8) | message[offset + 1];
                offset += 2;
                var rest = ReadName(message, ref target);
                return string.Join('.', labels.Append(rest).Where(l => l.Length > 0));
            }
            labels.Add(Encoding.ASCII.GetString(message, offset + 1, length));
            offset += length + 1;
        }
    }

    private static IEnumerable<byte> Name(string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return (byte)label.Length;
            foreach (var c in label) yield return (byte)c;
        }
        yield return 0;
    }

    private static void Add16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }
}
