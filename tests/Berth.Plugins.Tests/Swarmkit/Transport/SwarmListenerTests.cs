using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Transport;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Transport;

public class SwarmListenerTests
{
    private static readonly NodeIdentity Peer = new("node1", "manager", "cluster1");

    private readonly List<IAsyncDisposable> owned = [];

    [TearDown]
    public async Task TearDown()
    {
        foreach (var item in owned.AsEnumerable().Reverse())
            await item.DisposeAsync();
        owned.Clear();
    }

    private T Own<T>(T item) where T : IAsyncDisposable
    {
        owned.Add(item);
        return item;
    }

    private SwarmListener Listen(IConnectionSecurity? security = null, TimeSpan? handshakeTimeout = null) =>
        Own(new SwarmListener(new IPEndPoint(IPAddress.Loopback, 0), security ?? new PlaintextSecurity(Peer))
        {
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10),
        });

    private static string AddressOf(SwarmListener listener) => listener.LocalEndPoint.ToString();

    /// <summary>Answers each line with the channel's prefix and the line.</summary>
    private static Func<AcceptedConnection, CancellationToken, Task> Echo(string prefix, List<AcceptedConnection>? seen = null) => async (connection, ct) =>
    {
        if (seen is not null)
            lock (seen)
                seen.Add(connection);
        using var reader = new StreamReader(connection.Stream, leaveOpen: true);
        await using var writer = new StreamWriter(connection.Stream, leaveOpen: true) { AutoFlush = true };
        while (await reader.ReadLineAsync(ct) is { } line)
            await writer.WriteLineAsync($"{prefix}:{line}".AsMemory(), ct);
    };

    private static async Task<string?> AskAsync(Stream stream, string line)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        await stream.FlushAsync();
        using var reader = new StreamReader(stream, leaveOpen: true);
        return await Wait.Within(reader.ReadLineAsync());
    }

    private static async Task<int> ReadToEndAsync(Stream stream)
    {
        var buffer = new byte[256];
        int total = 0, read;
        try
        {
            while ((read = await stream.ReadAsync(buffer)) > 0)
                total += read;
        }
        catch (IOException)
        {
            // Reset by the listener: closed as well.
        }
        return total;
    }

    private static async Task<Stream> RawAsync(SwarmListener listener)
    {
        var (stream, _) = await SwarmDialer.ConnectRawAsync(AddressOf(listener), CancellationToken.None);
        return stream;
    }

    [Test]
    public async Task Route_TwoChannels_EachHandlerGetsItsConnections()
    {
        var listener = Listen();
        var control = new List<AcceptedConnection>();
        listener.Route(Channels.Control, Echo("control", control));
        listener.Route(Channels.Logs, Echo("logs"));
        listener.Start();

        await using var first = await SwarmDialer.ConnectAsync(AddressOf(listener), Channels.Control, PlaintextSecurity.Instance, CancellationToken.None);
        await using var second = await SwarmDialer.ConnectAsync(AddressOf(listener), Channels.Logs, PlaintextSecurity.Instance, CancellationToken.None);

        Assert.That(await AskAsync(first, "hello"), Is.EqualTo("control:hello"));
        Assert.That(await AskAsync(second, "hello"), Is.EqualTo("logs:hello"));
        Assert.That(await AskAsync(first, "again"), Is.EqualTo("control:again"));
        lock (control)
        {
            Assert.That(control.Single().Peer, Is.EqualTo(Peer));
            Assert.That(control.Single().Channel, Is.EqualTo(Channels.Control));
            Assert.That(control.Single().RemoteEndPoint.Address, Is.EqualTo(IPAddress.Loopback));
        }
    }

    [Test]
    public async Task Accept_UnknownChannel_ConnectionClosed()
    {
        var listener = Listen();
        listener.Route(Channels.Control, Echo("control"));
        listener.Start();

        await using var stream = await SwarmDialer.ConnectAsync(AddressOf(listener), 0xFF, PlaintextSecurity.Instance, CancellationToken.None);

        Assert.That(await Wait.Within(ReadToEndAsync(stream)), Is.Zero);
        await Wait.Eventually(() => listener.OpenConnections == 0, "the listener to forget the connection");
    }

    [Test]
    public async Task Accept_SilentAndGarbageClients_DoNotHoldUpOthers()
    {
        var listener = Listen(handshakeTimeout: TimeSpan.FromMilliseconds(500));
        listener.Route(Channels.Control, Echo("control"));
        listener.Start();
        var silent = new List<Stream>();
        for (var i = 0; i < 20; i++)
            silent.Add(await RawAsync(listener));
        await using var garbage = await RawAsync(listener);
        await garbage.WriteAsync(Encoding.UTF8.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        var clock = Stopwatch.StartNew();
        await using (var good = await SwarmDialer.ConnectAsync(AddressOf(listener), Channels.Control, PlaintextSecurity.Instance, CancellationToken.None))
            Assert.That(await AskAsync(good, "still here"), Is.EqualTo("control:still here"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)), "served before the silent clients timed out");

        Assert.That(await Wait.Within(ReadToEndAsync(garbage)), Is.Zero, "the garbage client is closed");
        foreach (var stream in silent)
        {
            Assert.That(await Wait.Within(ReadToEndAsync(stream)), Is.Zero, "a silent client is closed after the handshake timeout");
            await stream.DisposeAsync();
        }
        await Wait.Eventually(() => listener.OpenConnections == 0, "every connection to be forgotten");
    }

    [Test]
    public async Task Accept_HandshakeRefused_ClosedAndOthersServed()
    {
        var listener = Listen(new HelloSecurity());
        listener.Route(Channels.Control, Echo("control"));
        listener.Start();

        await using var impostor = await RawAsync(listener);
        await impostor.WriteAsync("nope"u8.ToArray());
        await using var friend = await SwarmDialer.ConnectAsync(AddressOf(listener), Channels.Control, new HelloSecurity(), CancellationToken.None);

        Assert.That(await Wait.Within(ReadToEndAsync(impostor)), Is.Zero);
        Assert.That(await AskAsync(friend, "hi"), Is.EqualTo("control:hi"));
    }

    [Test]
    public async Task DisposeAsync_OpenConnections_HandlersCancelledConnectionsClosedPortReleased()
    {
        var listener = new SwarmListener(new IPEndPoint(IPAddress.Loopback, 0), PlaintextSecurity.Instance);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Route(Channels.Control, async (_, ct) =>
        {
            entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                cancelled.TrySetResult();
            }
        });
        listener.Start();
        var endPoint = listener.LocalEndPoint;
        await using var client = await SwarmDialer.ConnectAsync(endPoint.ToString(), Channels.Control, PlaintextSecurity.Instance, CancellationToken.None);
        await using var silent = await RawAsync(listener);
        await Wait.Within(entered.Task);

        await Wait.Within(listener.DisposeAsync().AsTask());

        await Wait.Within(cancelled.Task);
        Assert.That(await Wait.Within(ReadToEndAsync(client)), Is.Zero);
        Assert.That(await Wait.Within(ReadToEndAsync(silent)), Is.Zero);
        Assert.That(listener.OpenConnections, Is.Zero);
        await using var again = new SwarmListener(endPoint, PlaintextSecurity.Instance);
        Assert.That(again.LocalEndPoint, Is.EqualTo(endPoint));
    }

    [Test]
    public void Constructor_PortInUse_ThrowsWithAddress()
    {
        var listener = Listen();

        var e = Assert.Throws<BerthException>(() => _ = new SwarmListener(listener.LocalEndPoint, PlaintextSecurity.Instance));

        Assert.That(e!.Message, Does.Contain(listener.LocalEndPoint.ToString()));
    }

    [Test]
    public async Task ConnectRawAsync_NothingListening_ThrowsUnavailable()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var address = probe.LocalEndpoint.ToString()!;
        probe.Stop();

        var e = await Wait.ThrowsAsync<BerthException>(() => SwarmDialer.ConnectRawAsync(address, CancellationToken.None));

        Assert.That(e.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
    }

    [TestCase("127.0.0.1:2377", "127.0.0.1:2377")]
    [TestCase("[::1]:2377", "[::1]:2377")]
    [TestCase("manager-1:4000", "manager-1:4000")]
    public void ParseAddress_HostPort_FormatsBack(string address, string formatted) =>
        Assert.That(SwarmDialer.Format(SwarmDialer.ParseAddress(address)), Is.EqualTo(formatted));

    [TestCase("127.0.0.1")]
    [TestCase("manager-1")]
    [TestCase("host:99999")]
    public void ParseAddress_NoPort_Invalid(string address) =>
        Assert.That(Assert.Throws<BerthException>(() => SwarmDialer.ParseAddress(address))!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));

    /// <summary>A toy handshake: the client says "helo" first; the server refuses anything else.</summary>
    private sealed class HelloSecurity : IConnectionSecurity
    {
        public async Task<AuthenticatedConnection> AcceptAsync(Stream raw, CancellationToken cancellationToken)
        {
            var hello = new byte[4];
            await raw.ReadExactlyAsync(hello, cancellationToken);
            if (!hello.AsSpan().SequenceEqual("helo"u8))
                throw new IOException("not a friend");
            return new AuthenticatedConnection(raw, Peer);
        }

        public async Task<Stream> ConnectAsync(Stream raw, string targetAddress, CancellationToken cancellationToken)
        {
            await raw.WriteAsync("helo"u8.ToArray(), cancellationToken);
            return raw;
        }
    }
}
