using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Transport;
using Microsoft.AspNetCore.Connections;

namespace Berth.Plugins.Tests.Swarmkit.Transport;

public class RaftTransportTests
{
    private SwarmListener listener = null!;
    private RaftTransport transport = null!;

    [SetUp]
    public void SetUp()
    {
        listener = new SwarmListener(new IPEndPoint(IPAddress.Loopback, 0), PlaintextSecurity.Instance);
        transport = new RaftTransport(listener, PlaintextSecurity.Instance);
        listener.Start();
    }

    [TearDown]
    public async Task TearDown()
    {
        transport.Dispose();
        await listener.DisposeAsync();
    }

    private static async Task<string> ReadAsync(PipeReader reader, int length)
    {
        var result = await Wait.Within(reader.ReadAtLeastAsync(length).AsTask());
        var text = System.Text.Encoding.UTF8.GetString(result.Buffer.Slice(0, length).ToArray());
        reader.AdvanceTo(result.Buffer.GetPosition(length));
        return text;
    }

    [Test]
    public async Task ConnectAsync_Bound_PipesCarryBytesBothWaysAndCloseReachesServer()
    {
        IConnectionListenerFactory factory = transport;
        IConnectionFactory dialer = transport;
        await using var bound = await factory.BindAsync(listener.LocalEndPoint);

        var client = await dialer.ConnectAsync(listener.LocalEndPoint);
        var server = (await Wait.Within(bound.AcceptAsync().AsTask()))!;
        await client.Transport.Output.WriteAsync("ping"u8.ToArray());
        var received = await ReadAsync(server.Transport.Input, 4);
        await server.Transport.Output.WriteAsync("pong"u8.ToArray());
        var answered = await ReadAsync(client.Transport.Input, 4);
        await client.DisposeAsync();
        var end = await Wait.Within(server.Transport.Input.ReadAsync().AsTask());

        Assert.That(received, Is.EqualTo("ping"));
        Assert.That(answered, Is.EqualTo("pong"));
        Assert.That(end.IsCompleted && end.Buffer.IsEmpty, Is.True);
        Assert.That(server.RemoteEndPoint, Is.InstanceOf<IPEndPoint>());
        Assert.That(server.Features, Is.Not.Null);
        await server.DisposeAsync();
        await Wait.Eventually(() => listener.OpenConnections == 0, "the listener to release the raft connection");
    }

    [Test]
    public async Task AbortAsync_ServerSide_ClientSeesEnd()
    {
        IConnectionListenerFactory factory = transport;
        IConnectionFactory dialer = transport;
        await using var bound = await factory.BindAsync(listener.LocalEndPoint);
        var client = await dialer.ConnectAsync(listener.LocalEndPoint);
        var server = (await Wait.Within(bound.AcceptAsync().AsTask()))!;

        server.Abort();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = server.ConnectionClosed.Register(closed.SetResult);
        var end = await Wait.Within(client.Transport.Input.ReadAsync().AsTask());

        Assert.That(end.IsCompleted, Is.True);
        await Wait.Within(closed.Task);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [Test]
    public async Task Accept_NothingBound_RaftConnectionClosed()
    {
        await using var stream = await SwarmDialer.ConnectAsync(listener.LocalEndPoint.ToString(), Channels.Raft, PlaintextSecurity.Instance, CancellationToken.None);

        var read = await Wait.Within(stream.ReadAsync(new byte[1]).AsTask());

        Assert.That(read, Is.Zero);
    }

    [TestCase(null)]
    [TestCase("worker")]
    public async Task Accept_PeerNotAManager_RaftConnectionClosed(string? role)
    {
        var security = new PlaintextSecurity(role is null ? null : new NodeIdentity("n1", role, "c1"));
        await using var secured = new SwarmListener(new IPEndPoint(IPAddress.Loopback, 0), new AnonymousOrAssumed(security));
        using var raft = new RaftTransport(secured, new AnonymousOrAssumed(security));
        secured.Start();
        IConnectionListenerFactory factory = raft;
        await using var bound = await factory.BindAsync(secured.LocalEndPoint);
        var accepting = bound.AcceptAsync().AsTask();

        await using var stream = await SwarmDialer.ConnectAsync(secured.LocalEndPoint.ToString(), Channels.Raft, security, CancellationToken.None);
        var read = await Wait.Within(stream.ReadAsync(new byte[1]).AsTask());

        Assert.That(read, Is.Zero);
        Assert.That(accepting.IsCompleted, Is.False);
    }

    [Test]
    public async Task Accept_ManagerPeer_RaftConnectionAccepted()
    {
        var security = new AnonymousOrAssumed(new PlaintextSecurity(new NodeIdentity("n1", "manager", "c1")));
        await using var secured = new SwarmListener(new IPEndPoint(IPAddress.Loopback, 0), security);
        using var raft = new RaftTransport(secured, security);
        secured.Start();
        IConnectionListenerFactory factory = raft;
        await using var bound = await factory.BindAsync(secured.LocalEndPoint);

        await using var stream = await SwarmDialer.ConnectAsync(secured.LocalEndPoint.ToString(), Channels.Raft, security, CancellationToken.None);
        var server = await Wait.Within(bound.AcceptAsync().AsTask());

        Assert.That(server, Is.Not.Null);
        await server!.DisposeAsync();
    }

    /// <summary>A security that is not <see cref="PlaintextSecurity"/> (so an anonymous peer is not trusted), reporting what the inner one does.</summary>
    private sealed class AnonymousOrAssumed(PlaintextSecurity inner) : IConnectionSecurity
    {
        public Task<AuthenticatedConnection> AcceptAsync(Stream raw, CancellationToken cancellationToken) => inner.AcceptAsync(raw, cancellationToken);

        public Task<Stream> ConnectAsync(Stream raw, string targetAddress, CancellationToken cancellationToken) => inner.ConnectAsync(raw, targetAddress, cancellationToken);
    }

    [Test]
    public async Task UnbindAsync_PendingAccept_ReturnsNull()
    {
        IConnectionListenerFactory factory = transport;
        var bound = await factory.BindAsync(listener.LocalEndPoint);
        var accepting = bound.AcceptAsync().AsTask();

        await bound.UnbindAsync();

        Assert.That(await Wait.Within(accepting), Is.Null);
        await bound.DisposeAsync();
    }
}
