using System.Net;
using System.Net.Sockets;
using Berth.Plugins.BridgeNet.Dns;
using Berth.Plugins.Tests.BridgeNet.Dns.Support;
using static Berth.Plugins.Tests.BridgeNet.Dns.Support.SandboxClient;
using Microsoft.Extensions.Time.Testing;
using static Berth.Plugins.Tests.BridgeNet.Dns.DnsTableTests;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

/// <summary>
/// The embedded DNS serving 127.0.0.11:53 inside sandboxes the test makes (root only). Clients are sockets created in
/// the sandbox; upstreams are fakes on 127.0.0.1 of the test's own (host) namespace.
/// </summary>
public class EmbeddedDnsTests : SandboxFixture
{
    private StringWriter log = null!;

    [SetUp]
    public void CreateLog() => log = new StringWriter();

    private EmbeddedDns NewDns(TimeProvider? time = null) => Dispose(new EmbeddedDns(TextWriter.Synchronized(log), time));

    [Test]
    public async Task RegisterAsync_UdpQueryFromTheSandbox_ARecord()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();

        Assert.That(await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None), Is.True);
        var reply = await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A, id: 321));

        Assert.That(dns.IsServing(sandbox), Is.True);
        Assert.That((reply.Id, reply.Rcode), Is.EqualTo(((ushort)321, 0)));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public async Task RegisterAsync_TcpQueryFromTheSandbox_ARecord()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);

        var reply = await QueryTcpAsync(sandbox, DnsWire.Query("web", DnsWire.A, id: 654));

        Assert.That(reply.Id, Is.EqualTo(654));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public async Task RegisterAsync_TwoQueriesOnOneTcpConnection_BothAnswered()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web", "www"]), CancellationToken.None);
        using var socket = SocketIn(sandbox, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Wait.Cap);
        await socket.ConnectAsync(Resolver, timeout.Token);
        await using var stream = new NetworkStream(socket);

        await WriteFrameAsync(stream, DnsWire.Query("web", DnsWire.A, id: 1), timeout.Token);
        var first = DnsWire.Parse(await ReadFrameAsync(stream, timeout.Token));
        await WriteFrameAsync(stream, DnsWire.Query("www", DnsWire.A, id: 2), timeout.Token);
        var second = DnsWire.Parse(await ReadFrameAsync(stream, timeout.Token));

        Assert.That((first.Id, first.Addresses.Single(), second.Id, second.Addresses.Single()), Is.EqualTo(((ushort)1, IPAddress.Parse("10.0.0.2"), (ushort)2, IPAddress.Parse("10.0.0.2"))));
    }

    [Test]
    public async Task RegisterAsync_TwoSandboxesOnTheNetwork_EachResolvesTheOther()
    {
        var web = CreateSandbox("web");
        var db = CreateSandbox("db");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", web, "10.0.0.2", ["web"]), CancellationToken.None);
        await dns.RegisterAsync(Registration("e2", "n1", db, "10.0.0.3", ["db"]), CancellationToken.None);

        Assert.That((await QueryUdpAsync(web, DnsWire.Query("db", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.3") }));
        Assert.That((await QueryUdpAsync(db, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public async Task RegisterAsync_UnknownName_ForwardedToTheUpstreamAndItsAnswerRelayed()
    {
        await using var upstream = FakeUpstream.Answering(IPAddress.Parse("192.0.2.10"));
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"], servers: [upstream.Server]), CancellationToken.None);

        var udp = await QueryUdpAsync(sandbox, DnsWire.Query("www.example.com", DnsWire.A, id: 1001));
        var tcp = await QueryTcpAsync(sandbox, DnsWire.Query("www.example.com", DnsWire.A, id: 1002));

        Assert.That((udp.Id, udp.Rcode, udp.Addresses.Single()), Is.EqualTo(((ushort)1001, 0, IPAddress.Parse("192.0.2.10"))));
        Assert.That((tcp.Id, tcp.Rcode, tcp.Addresses.Single()), Is.EqualTo(((ushort)1002, 0, IPAddress.Parse("192.0.2.10"))));
        Assert.That(new[] { (await upstream.NextQueryAsync()).Transport, (await upstream.NextQueryAsync()).Transport }, Is.EqualTo(new[] { DnsTransportKind.Udp, DnsTransportKind.Tcp }));
    }

    [Test]
    public async Task RegisterAsync_UnknownNameWithoutUpstream_ServFail()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);

        var reply = await QueryUdpAsync(sandbox, DnsWire.Query("www.example.com", DnsWire.A, id: 5));

        Assert.That((reply.Id, reply.Rcode, reply.Answers.Count), Is.EqualTo(((ushort)5, 2, 0)));
    }

    [Test]
    public async Task RegisterAsync_UpstreamRefusing_ServFail()
    {
        var gone = FakeUpstream.Silent();
        var server = gone.Server;
        await gone.DisposeAsync();
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"], servers: [server]), CancellationToken.None);

        var reply = await QueryUdpAsync(sandbox, DnsWire.Query("www.example.com", DnsWire.A));

        Assert.That(reply.Rcode, Is.EqualTo(2));
    }

    [Test]
    public async Task Listener_GarbageAndBrokenTcp_KeepsAnswering()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);
        using (var udp = SocketIn(sandbox, SocketType.Dgram, ProtocolType.Udp))
        {
            var random = new Random(42);
            for (var i = 0; i < 200; i++)
            {
                var garbage = new byte[random.Next(0, 600)];
                random.NextBytes(garbage);
                await udp.SendToAsync(garbage, SocketFlags.None, Resolver);
            }
        }
        using (var tcp = SocketIn(sandbox, SocketType.Stream, ProtocolType.Tcp))
        {
            await tcp.ConnectAsync(Resolver);
            await tcp.SendAsync(new byte[] { 0x00, 0x30, 1, 2, 3 }, SocketFlags.None); // announces 48 bytes, sends 3, hangs up
        }
        var formErr = DnsWire.Parse(await ExchangeUdpAsync(sandbox, [0x0A, 0x0B, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C]));

        var reply = await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A));
        var tcpReply = await QueryTcpAsync(sandbox, DnsWire.Query("web", DnsWire.A));

        Assert.That((formErr.Id, formErr.Rcode), Is.EqualTo(((ushort)0x0A0B, 1)));
        Assert.That(reply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
        Assert.That(tcpReply.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public async Task Listener_ManyForwardedQueries_AllInFlightAtOnce()
    {
        // The clock never moves: a listener that handled one query at a time would stay stuck on the first.
        const int Queries = 20;
        await using var upstream = FakeUpstream.Silent();
        var sandbox = CreateSandbox("c1");
        var dns = NewDns(new FakeTimeProvider());
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"], servers: [upstream.Server]), CancellationToken.None);
        var clients = Enumerable.Range(0, Queries).Select(_ => SocketIn(sandbox, SocketType.Dgram, ProtocolType.Udp)).ToList();
        try
        {
            for (var i = 0; i < Queries; i++) await clients[i].SendToAsync(DnsWire.Query($"host{i}.example.com", DnsWire.A), SocketFlags.None, Resolver);

            var names = new List<string>();
            for (var i = 0; i < Queries; i++) names.Add(DnsWire.Parse((await upstream.NextQueryAsync()).Query).QuestionName);

            Assert.That(names, Is.EquivalentTo(Enumerable.Range(0, Queries).Select(i => $"host{i}.example.com")));
            // And a local name is still answered meanwhile.
            Assert.That((await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A))).Addresses.Single(), Is.EqualTo(IPAddress.Parse("10.0.0.2")));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Test]
    public async Task UnregisterAsync_LastEndpointOfTheSandbox_Port53FreeAgain()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);
        await dns.RegisterAsync(Registration("e2", "n2", sandbox, "10.1.0.2", ["web"]), CancellationToken.None);
        await QueryTcpAsync(sandbox, DnsWire.Query("web", DnsWire.A));
        Assert.That(Port53Free(sandbox), Is.False, "served");

        Assert.That(await dns.UnregisterAsync("e1", CancellationToken.None), Is.True);
        Assert.That(Port53Free(sandbox), Is.False, "one endpoint left");
        Assert.That((await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.1.0.2") }));

        Assert.That(await dns.UnregisterAsync("e2", CancellationToken.None), Is.True);
        Assert.That((dns.IsServing(sandbox), Port53Free(sandbox)), Is.EqualTo((false, true)));
        Assert.That(await dns.UnregisterAsync("e2", CancellationToken.None), Is.False);
    }

    [Test]
    public async Task RegisterAsync_AgainAfterUnregister_ServedAgain()
    {
        var sandbox = CreateSandbox("c1");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);
        await QueryTcpAsync(sandbox, DnsWire.Query("web", DnsWire.A));
        await dns.UnregisterAsync("e1", CancellationToken.None);

        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);

        Assert.That((await QueryTcpAsync(sandbox, DnsWire.Query("web", DnsWire.A))).Addresses.Single(), Is.EqualTo(IPAddress.Parse("10.0.0.2")));
    }

    [Test]
    public async Task RegisterAsync_Port53TakenInTheSandbox_LoggedNamesStillServedToOthers()
    {
        var busy = CreateSandbox("busy");
        var other = CreateSandbox("other");
        using var squatter = SocketIn(busy, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(Resolver);
        var dns = NewDns();

        Assert.That(await dns.RegisterAsync(Registration("e1", "n1", busy, "10.0.0.2", ["web"]), CancellationToken.None), Is.True);
        await dns.RegisterAsync(Registration("e2", "n1", other, "10.0.0.3", ["db"]), CancellationToken.None);

        Assert.That(dns.IsServing(busy), Is.False);
        Assert.That(log.ToString(), Does.Contain("cannot serve DNS"));
        Assert.That((await QueryUdpAsync(other, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public async Task RegisterAsync_Port53FreedLater_ServedAtTheNextTry()
    {
        // As in a plugin upgrade: the old version holds the port until it stops.
        var time = new FakeTimeProvider();
        var sandbox = CreateSandbox("c1");
        using var squatter = SocketIn(sandbox, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(Resolver);
        var dns = NewDns(time);
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);
        Assert.That(dns.IsServing(sandbox), Is.False);

        squatter.Dispose();
        time.Advance(EmbeddedDns.BindRetryInterval);
        await Wait.Eventually(() => dns.IsServing(sandbox), "the listener");

        Assert.That((await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public async Task DisposeAsync_WhileRetryingToBind_Ends()
    {
        var sandbox = CreateSandbox("c1");
        using var squatter = SocketIn(sandbox, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(Resolver);
        var dns = NewDns(new FakeTimeProvider());
        await dns.RegisterAsync(Registration("e1", "n1", sandbox, "10.0.0.2", ["web"]), CancellationToken.None);

        await Wait.Within(dns.DisposeAsync().AsTask());

        Assert.That(dns.IsServing(sandbox), Is.False);
    }

    [Test]
    public async Task RegisterAsync_SandboxGone_FalseAndLogged()
    {
        var dns = NewDns();

        Assert.That(await dns.RegisterAsync(Registration("e1", "n1", Path.Combine(Directory, "gone"), "10.0.0.2", ["web"]), CancellationToken.None), Is.False);

        Assert.That(dns.Table.Get("e1"), Is.Null);
        Assert.That(log.ToString(), Does.Contain("is gone"));
    }

    [Test]
    public async Task RegisterAsync_FileThatIsNoNamespace_FalseAndLogged()
    {
        var notNamespace = Path.Combine(Directory, "plain");
        await File.WriteAllTextAsync(notNamespace, "");
        var dns = NewDns();

        Assert.That(await dns.RegisterAsync(Registration("e1", "n1", notNamespace, "10.0.0.2", ["web"]), CancellationToken.None), Is.False);

        Assert.That(log.ToString(), Does.Contain("cannot be entered"));
    }

    [Test]
    public async Task DisposeAsync_Serving_EveryListenerClosed()
    {
        var first = CreateSandbox("c1");
        var second = CreateSandbox("c2");
        var dns = NewDns();
        await dns.RegisterAsync(Registration("e1", "n1", first, "10.0.0.2", ["web"]), CancellationToken.None);
        await dns.RegisterAsync(Registration("e2", "n1", second, "10.0.0.3", ["db"]), CancellationToken.None);

        await dns.DisposeAsync();

        Assert.That((Port53Free(first), Port53Free(second)), Is.EqualTo((true, true)));
    }
}
