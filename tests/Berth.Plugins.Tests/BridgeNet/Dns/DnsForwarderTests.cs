using System.Net;
using Berth.Plugins.BridgeNet.Dns;
using Berth.Plugins.Tests.BridgeNet.Dns.Support;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

/// <summary>Forwarding to fake upstreams on the host's 127.0.0.1; time is a fake clock, so timeouts take no time.</summary>
public class DnsForwarderTests
{
    private FakeTimeProvider time = null!;

    [SetUp]
    public void CreateClock() => time = new FakeTimeProvider();

    [Test]
    public async Task ForwardAsync_Answering_ReplyWithTheClientsIdUnderAnotherIdUpstream()
    {
        await using var upstream = FakeUpstream.Answering(IPAddress.Parse("192.0.2.1"));
        var forwarder = new DnsForwarder(time);

        var reply = await Wait.Within(forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A, id: 31), [upstream.EndPoint], DnsTransport.Udp, CancellationToken.None));
        var (sent, _) = await upstream.NextQueryAsync();

        Assert.That(DnsWire.Parse(reply!) is { Id: 31, Rcode: 0 } parsed ? parsed.Addresses : [], Is.EqualTo(new[] { IPAddress.Parse("192.0.2.1") }));
        Assert.That(DnsWire.Parse(sent).QuestionName, Is.EqualTo("example.com"));
    }

    [Test]
    public async Task ForwardAsync_FirstServerSilent_SecondAskedAfterTwoSeconds()
    {
        await using var silent = FakeUpstream.Silent();
        await using var answering = FakeUpstream.Answering(IPAddress.Parse("192.0.2.2"));
        var forwarder = new DnsForwarder(time);

        var forwarding = forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A), [silent.EndPoint, answering.EndPoint], DnsTransport.Udp, CancellationToken.None);
        await silent.NextQueryAsync();
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.That(answering.Count, Is.Zero, "the first server still has time");
        time.Advance(TimeSpan.FromSeconds(0.1));
        var reply = await Wait.Within(forwarding);

        Assert.That(DnsWire.Parse(reply!).Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.2") }));
    }

    [Test]
    public async Task ForwardAsync_EveryServerSilent_NullAfterFiveSeconds()
    {
        await using var first = FakeUpstream.Silent();
        await using var second = FakeUpstream.Silent();
        await using var third = FakeUpstream.Silent();
        var forwarder = new DnsForwarder(time);

        var forwarding = forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A), [first.EndPoint, second.EndPoint, third.EndPoint], DnsTransport.Udp, CancellationToken.None);
        await first.NextQueryAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await second.NextQueryAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await third.NextQueryAsync();
        time.Advance(TimeSpan.FromSeconds(0.9));
        Assert.That(forwarding.IsCompleted, Is.False, "4.9 s in");
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.That(await Wait.Within(forwarding), Is.Null);
    }

    [Test]
    public async Task ForwardAsync_FirstServerRefusesConnection_NextOneAtOnce()
    {
        var closed = FakeUpstream.Silent();
        var closedPort = closed.EndPoint;
        await closed.DisposeAsync();
        await using var answering = FakeUpstream.Answering(IPAddress.Parse("192.0.2.3"));
        var forwarder = new DnsForwarder(time);

        var reply = await Wait.Within(forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A), [closedPort, answering.EndPoint], DnsTransport.Udp, CancellationToken.None));

        Assert.That(DnsWire.Parse(reply!).Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.3") }));
    }

    [Test]
    public async Task ForwardAsync_FirstServerServFail_SecondServersAnswer()
    {
        await using var failing = FakeUpstream.Start(query => DnsWire.Answer(query, null, rcode: 2));
        await using var answering = FakeUpstream.Answering(IPAddress.Parse("192.0.2.4"));
        var forwarder = new DnsForwarder(time);

        var reply = await Wait.Within(forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A), [failing.EndPoint, answering.EndPoint], DnsTransport.Udp, CancellationToken.None));

        Assert.That(DnsWire.Parse(reply!).Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.4") }));
    }

    [Test]
    public async Task ForwardAsync_OnlyServFail_ThatReplyRelayed()
    {
        await using var failing = FakeUpstream.Start(query => DnsWire.Answer(query, null, rcode: 2));
        var forwarder = new DnsForwarder(time);

        var reply = await Wait.Within(forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A, id: 8), [failing.EndPoint], DnsTransport.Udp, CancellationToken.None));

        Assert.That((DnsWire.Parse(reply!).Id, DnsWire.Parse(reply!).Rcode), Is.EqualTo(((ushort)8, 2)));
    }

    [Test]
    public async Task ForwardAsync_StrayReplyWithOtherId_Ignored()
    {
        // An upstream that first sends an answer with a wrong id, then the right one: only the right one counts.
        await using var upstream = FakeUpstream.Start(query =>
        {
            var wrong = DnsWire.Answer(query, IPAddress.Parse("198.51.100.1"));
            wrong[0] ^= 0xFF;
            return wrong;
        });
        var forwarder = new DnsForwarder(time);

        var forwarding = forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A), [upstream.EndPoint], DnsTransport.Udp, CancellationToken.None);
        await upstream.NextQueryAsync();
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await Wait.Within(forwarding), Is.Null);
    }

    [Test]
    public async Task ForwardAsync_Tcp_OverTcp()
    {
        await using var upstream = FakeUpstream.Answering(IPAddress.Parse("192.0.2.5"));
        var forwarder = new DnsForwarder(time);

        var reply = await Wait.Within(forwarder.ForwardAsync(DnsWire.Query("example.com", DnsWire.A, id: 12), [upstream.EndPoint], DnsTransport.Tcp, CancellationToken.None));

        Assert.That(DnsWire.Parse(reply!) is { Id: 12 } parsed ? parsed.Addresses : [], Is.EqualTo(new[] { IPAddress.Parse("192.0.2.5") }));
        Assert.That((await upstream.NextQueryAsync()).Transport, Is.EqualTo(DnsTransportKind.Tcp));
    }

    [Test]
    public async Task ForwardAsync_NoServers_Null() =>
        Assert.That(await new DnsForwarder(time).ForwardAsync(DnsWire.Query("example.com", DnsWire.A), [], DnsTransport.Udp, CancellationToken.None), Is.Null);
}
