using System.Net;
using Berth.Plugins.BridgeNet.Dns;
using Berth.Plugins.Tests.BridgeNet.Dns.Support;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

/// <summary>Reading queries and writing replies, checked against messages made and read by hand.</summary>
public class DnsMessageTests
{
    [Test]
    public void TryParse_SimpleQuery_IdNameTypeClassAndQuestion()
    {
        var message = DnsWire.Query("web.example", DnsWire.A, id: 0xBEEF);

        Assert.That(DnsQuery.TryParse(message, out var query, out var failure), Is.True);

        Assert.That(failure, Is.EqualTo(DnsParseFailure.None));
        Assert.That((query!.Id, query.Name, query.Type, query.Class, query.Opcode, query.UdpPayloadSize), Is.EqualTo(((ushort)0xBEEF, "web.example", DnsWire.A, (ushort)1, 0, 512)));
        Assert.That(query.Question.ToArray(), Is.EqualTo(message[12..]));
    }

    [Test]
    public void TryParse_MixedCase_NameKeptAsSent()
    {
        Assert.That(DnsQuery.TryParse(DnsWire.Query("WeB.ExAmple.", DnsWire.A), out var query, out _), Is.True);

        Assert.That(query!.Name, Is.EqualTo("WeB.ExAmple"));
    }

    [Test]
    public void TryParse_EdnsOpt_UdpPayloadSize()
    {
        Assert.That(DnsQuery.TryParse(DnsWire.Query("web", DnsWire.A, ednsSize: 1232), out var query, out _), Is.True);

        Assert.That(query!.UdpPayloadSize, Is.EqualTo(1232));
        Assert.That(query.Question.Length, Is.EqualTo(9)); // 3 w e b 0, type, class: the OPT record is not part of it
    }

    [Test]
    public void TryParse_EdnsSmallerThan512_512()
    {
        Assert.That(DnsQuery.TryParse(DnsWire.Query("web", DnsWire.A, ednsSize: 100), out var query, out _), Is.True);

        Assert.That(query!.UdpPayloadSize, Is.EqualTo(512));
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(11)]
    public void TryParse_ShorterThanHeader_Ignored(int length)
    {
        Assert.That(DnsQuery.TryParse(new byte[length], out _, out var failure), Is.False);

        Assert.That(failure, Is.EqualTo(DnsParseFailure.Ignore));
    }

    [Test]
    public void TryParse_Response_Ignored()
    {
        var reply = DnsWire.Answer(DnsWire.Query("web", DnsWire.A), IPAddress.Loopback);

        Assert.That(DnsQuery.TryParse(reply, out _, out var failure), Is.False);

        Assert.That(failure, Is.EqualTo(DnsParseFailure.Ignore));
    }

    [Test]
    public void TryParse_OtherOpcode_NotImplemented()
    {
        var message = DnsWire.Query("web", DnsWire.A);
        message[2] |= 5 << 3; // UPDATE

        Assert.That(DnsQuery.TryParse(message, out _, out var failure), Is.False);

        Assert.That(failure, Is.EqualTo(DnsParseFailure.NotImplemented));
    }

    [Test]
    public void TryParse_CompressedQuestionName_Malformed()
    {
        byte[] message = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1];

        Assert.That(DnsQuery.TryParse(message, out _, out var failure), Is.False);

        Assert.That(failure, Is.EqualTo(DnsParseFailure.Malformed));
    }

    [Test]
    public void TryParse_CutInTheQuestion_Malformed()
    {
        var message = DnsWire.Query("web.example", DnsWire.A);

        for (var length = 12; length < message.Length; length++)
        {
            Assert.That(DnsQuery.TryParse(message[..length], out _, out var failure), Is.False, $"length {length}");
            Assert.That(failure, Is.EqualTo(DnsParseFailure.Malformed), $"length {length}");
        }
    }

    [TestCase(0)]
    [TestCase(2)]
    public void TryParse_NotOneQuestion_Malformed(int questions)
    {
        var message = DnsWire.Query("web", DnsWire.A);
        message[5] = (byte)questions;

        Assert.That(DnsQuery.TryParse(message, out _, out var failure), Is.False);

        Assert.That(failure, Is.EqualTo(DnsParseFailure.Malformed));
    }

    [Test]
    public void TryParse_BrokenOptRecord_ParsedWithoutEdns()
    {
        var message = DnsWire.Query("web", DnsWire.A, ednsSize: 4096)[..^3];

        Assert.That(DnsQuery.TryParse(message, out var query, out _), Is.True);

        Assert.That(query!.UdpPayloadSize, Is.EqualTo(512));
    }

    [Test]
    public void TryParse_DotInsideLabel_Escaped()
    {
        byte[] message = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, (byte)'a', (byte)'.', (byte)'b', 0, 0, 1, 0, 1];

        Assert.That(DnsQuery.TryParse(message, out var query, out _), Is.True);

        Assert.That(query!.Name, Is.EqualTo("a\\.b"));
    }

    [Test]
    public void Reply_Addresses_IdQuestionAndRecordsWithTtl600()
    {
        DnsQuery.TryParse(DnsWire.Query("Web", DnsWire.A, id: 7), out var query, out _);

        var reply = DnsWire.Parse(DnsMessage.Reply(query!, DnsMessage.NoError,
            [DnsRecord.ForAddress(IPAddress.Parse("10.0.0.2")), DnsRecord.ForAddress(IPAddress.Parse("10.0.0.3"))], 512));

        Assert.That((reply.Id, reply.Rcode, reply.Truncated, reply.Authoritative, reply.QuestionName, reply.QuestionType), Is.EqualTo(((ushort)7, 0, false, true, "Web", DnsWire.A)));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3") }));
        Assert.That(reply.Answers.Select(a => a.Ttl), Is.All.EqualTo(600));
        Assert.That(reply.Flags & 0x8180, Is.EqualTo(0x8180), "QR, RD copied and RA");
    }

    [Test]
    public void Reply_IPv6Address_AaaaRecord()
    {
        DnsQuery.TryParse(DnsWire.Query("web", DnsWire.Aaaa), out var query, out _);

        var reply = DnsWire.Parse(DnsMessage.Reply(query!, DnsMessage.NoError, [DnsRecord.ForAddress(IPAddress.Parse("fd00::2"))], 512));

        Assert.That(reply.Answers.Single().Type, Is.EqualTo(DnsWire.Aaaa));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("fd00::2") }));
    }

    [Test]
    public void Reply_MoreThanFits_TruncatedWithTheAnswersThatFit()
    {
        DnsQuery.TryParse(DnsWire.Query("web", DnsWire.A), out var query, out _);
        var many = Enumerable.Range(1, 100).Select(i => DnsRecord.ForAddress(new IPAddress([10, 0, 0, (byte)i]))).ToList();

        var bytes = DnsMessage.Reply(query!, DnsMessage.NoError, many, 512);
        var reply = DnsWire.Parse(bytes);

        Assert.That(bytes.Length, Is.LessThanOrEqualTo(512));
        Assert.That(reply.Truncated, Is.True);
        Assert.That(reply.Answers, Has.Count.EqualTo((512 - 12 - 9) / 16));
    }

    [Test]
    public void Reply_Pointer_NameWithTrailingDot()
    {
        DnsQuery.TryParse(DnsWire.Query("2.0.0.10.in-addr.arpa", DnsWire.Ptr), out var query, out _);

        var reply = DnsWire.Parse(DnsMessage.Reply(query!, DnsMessage.NoError, [DnsRecord.Pointer("web")!.Value], 512));

        Assert.That(reply.Answers.Single().Type, Is.EqualTo(DnsWire.Ptr));
        Assert.That(reply.Answers.Single().PointerName, Is.EqualTo("web."));
    }

    [Test]
    public void Reply_ServerFailure_NotAuthoritativeNoAnswers()
    {
        DnsQuery.TryParse(DnsWire.Query("web", DnsWire.A), out var query, out _);

        var reply = DnsWire.Parse(DnsMessage.Reply(query!, DnsMessage.ServerFailure, [], 512, authoritative: false));

        Assert.That((reply.Rcode, reply.Authoritative, reply.Answers.Count, reply.QuestionName), Is.EqualTo((2, false, 0, "web")));
    }

    [Test]
    public void HeaderOnlyReply_FormatError_IdAndRcodeNoSections()
    {
        byte[] message = [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0];

        var reply = DnsMessage.HeaderOnlyReply(message, DnsMessage.FormatError)!;

        Assert.That(reply, Has.Length.EqualTo(12));
        Assert.That(DnsWire.Parse(reply) is { Id: 0xABCD, Rcode: 1, Answers.Count: 0 } parsed && (parsed.Flags & 0x8000) != 0, Is.True);
    }

    [Test]
    public void HeaderOnlyReply_ShorterThanHeader_Null() =>
        Assert.That(DnsMessage.HeaderOnlyReply(new byte[11], DnsMessage.FormatError), Is.Null);

    [TestCase("")]
    [TestCase("a..b")]
    [TestCase("a-label-that-is-far-too-long-for-dns-because-it-has-more-than-63-chars")]
    public void Pointer_InvalidName_Null(string name) => Assert.That(DnsRecord.Pointer(name), Is.Null);

    [TestCase("4.3.2.1.in-addr.arpa", "1.2.3.4")]
    [TestCase("4.3.2.1.IN-ADDR.ARPA.", "1.2.3.4")]
    [TestCase("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa", "4321:0:1:2:3:4:567:89ab")]
    public void TryParseReverse_ReverseName_Address(string name, string address)
    {
        Assert.That(DnsName.TryParseReverse(name, out var parsed), Is.True);

        Assert.That(parsed, Is.EqualTo(IPAddress.Parse(address)));
    }

    [TestCase("3.2.1.in-addr.arpa")]
    [TestCase("256.3.2.1.in-addr.arpa")]
    [TestCase("04.3.2.1.in-addr.arpa")]
    [TestCase("web.example")]
    [TestCase("x.3.2.1.in-addr.arpa")]
    public void TryParseReverse_NotAFullReverseName_False(string name) => Assert.That(DnsName.TryParseReverse(name, out _), Is.False);
}
