using System.Net;
using Berth.Plugins.BridgeNet.Dns;
using Berth.Plugins.Tests.BridgeNet.Dns.Support;
using static Berth.Plugins.Tests.BridgeNet.Dns.DnsTableTests;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

/// <summary>Queries turned into replies, without sockets in sandboxes: the upstreams are fakes on the host's 127.0.0.1.</summary>
public class DnsResponderTests
{
    private const string Sandbox = "/sandbox";
    private DnsTable table = null!;
    private DnsResponder responder = null!;

    [SetUp]
    public void CreateResponder()
    {
        table = new DnsTable();
        responder = new DnsResponder(table, new DnsForwarder());
        table.Add(Registration("e1", "n1", Sandbox, "10.0.0.2", ["web", "0123456789ab"], links: ["db:database"]));
        table.Add(Registration("e2", "n1", "/other", "10.0.0.3", ["db"]));
    }

    private async Task<DnsReply> AskAsync(byte[] query, DnsTransport transport = DnsTransport.Udp)
    {
        var reply = await Wait.Within(responder.RespondAsync(Sandbox, query, transport, CancellationToken.None));
        Assert.That(reply, Is.Not.Null);
        return DnsWire.Parse(reply!);
    }

    [Test]
    public async Task RespondAsync_KnownName_ARecordWithTheClientsId()
    {
        var reply = await AskAsync(DnsWire.Query("DB", DnsWire.A, id: 4242));

        Assert.That((reply.Id, reply.Rcode, reply.Authoritative, reply.QuestionName), Is.EqualTo(((ushort)4242, 0, true, "DB")));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.3") }));
        Assert.That(reply.Answers.Single().Ttl, Is.EqualTo(600));
    }

    [Test]
    public async Task RespondAsync_LinkAlias_TargetsAddress()
    {
        var reply = await AskAsync(DnsWire.Query("database", DnsWire.A));

        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.3") }));
    }

    [Test]
    public async Task RespondAsync_AaaaOfNameWithoutIpv6_NoErrorNoAnswer()
    {
        var reply = await AskAsync(DnsWire.Query("web", DnsWire.Aaaa));

        Assert.That((reply.Rcode, reply.Answers.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task RespondAsync_MxOfKnownName_NoErrorNoAnswer()
    {
        var reply = await AskAsync(DnsWire.Query("web", DnsWire.Mx));

        Assert.That((reply.Rcode, reply.Answers.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task RespondAsync_PtrOfKnownAddress_FirstName()
    {
        var reply = await AskAsync(DnsWire.Query("3.0.0.10.in-addr.arpa", DnsWire.Ptr));

        Assert.That(reply.Rcode, Is.Zero);
        Assert.That(reply.Answers.Single().PointerName, Is.EqualTo("db."));
    }

    [Test]
    public async Task RespondAsync_UnknownNameNoServers_ServFail()
    {
        var reply = await AskAsync(DnsWire.Query("www.example.com", DnsWire.A, id: 99));

        Assert.That((reply.Id, reply.Rcode, reply.QuestionName), Is.EqualTo(((ushort)99, 2, "www.example.com")));
    }

    [Test]
    public async Task RespondAsync_UnknownName_UpstreamsAnswerWithTheClientsId()
    {
        await using var upstream = FakeUpstream.Answering(IPAddress.Parse("192.0.2.7"));
        table.Add(Registration("e1", "n1", Sandbox, "10.0.0.2", ["web"], servers: [upstream.Server]));

        var reply = await AskAsync(DnsWire.Query("www.example.com", DnsWire.A, id: 777));
        var (forwarded, transport) = await upstream.NextQueryAsync();

        Assert.That((reply.Id, reply.Rcode), Is.EqualTo(((ushort)777, 0)));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.7") }));
        Assert.That(transport, Is.EqualTo(DnsTransportKind.Udp));
        Assert.That(DnsWire.Parse(forwarded).QuestionName, Is.EqualTo("www.example.com"));
    }

    [Test]
    public async Task RespondAsync_UnknownPtr_Forwarded()
    {
        await using var upstream = FakeUpstream.Start(query => DnsWire.Answer(query, null, rcode: 3));
        table.Add(Registration("e1", "n1", Sandbox, "10.0.0.2", ["web"], servers: [upstream.Server]));

        var reply = await AskAsync(DnsWire.Query("9.0.0.10.in-addr.arpa", DnsWire.Ptr));

        Assert.That(reply.Rcode, Is.EqualTo(3), "the upstream's NXDOMAIN");
        Assert.That(DnsWire.Parse((await upstream.NextQueryAsync()).Query).QuestionName, Is.EqualTo("9.0.0.10.in-addr.arpa"));
    }

    [Test]
    public async Task RespondAsync_TcpQueryForUnknownName_ForwardedOverTcp()
    {
        await using var upstream = FakeUpstream.Answering(IPAddress.Parse("192.0.2.8"));
        table.Add(Registration("e1", "n1", Sandbox, "10.0.0.2", ["web"], servers: [upstream.Server]));

        var reply = await AskAsync(DnsWire.Query("www.example.com", DnsWire.A, id: 5), DnsTransport.Tcp);

        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.8") }));
        Assert.That((await upstream.NextQueryAsync()).Transport, Is.EqualTo(DnsTransportKind.Tcp));
    }

    [Test]
    public async Task RespondAsync_UnreadableQuestion_FormErr()
    {
        byte[] query = [0x01, 0x02, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C];

        var reply = await AskAsync(query);

        Assert.That((reply.Id, reply.Rcode), Is.EqualTo(((ushort)0x0102, 1)));
    }

    [Test]
    public async Task RespondAsync_NotAQuery_NoReply()
    {
        Assert.That(await responder.RespondAsync(Sandbox, new byte[5], DnsTransport.Udp, CancellationToken.None), Is.Null);
        Assert.That(await responder.RespondAsync(Sandbox, DnsWire.Answer(DnsWire.Query("web", DnsWire.A), IPAddress.Loopback), DnsTransport.Udp, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task RespondAsync_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var message = new byte[random.Next(0, 80)];
            random.NextBytes(message);
            if (message.Length > 2) message[2] &= 0x07; // a query with opcode 0, so it gets parsed
            await responder.RespondAsync(Sandbox, message, DnsTransport.Udp, CancellationToken.None);
        }

        Assert.Pass("2000 random messages answered or dropped");
    }

    [Test]
    public async Task RespondAsync_ManyAddressesOverUdp_TruncatedSoTheClientRetriesOverTcp()
    {
        for (var i = 0; i < 60; i++) table.Add(Registration($"w{i}", "n1", $"/w{i}", $"10.0.1.{i}", ["workers"]));

        var udp = await AskAsync(DnsWire.Query("workers", DnsWire.A));
        var tcp = await AskAsync(DnsWire.Query("workers", DnsWire.A), DnsTransport.Tcp);

        Assert.That((udp.Truncated, udp.Answers.Count < 60), Is.EqualTo((true, true)));
        Assert.That((tcp.Truncated, tcp.Answers.Count), Is.EqualTo((false, 60)));
    }
}
