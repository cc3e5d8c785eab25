using System.Net;
using System.Net.Sockets;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Rpc;

/// <summary>Control calls over a loopback socket: answers, error kinds, and a not-leader answer told apart from other errors.</summary>
public class RpcCallTests
{
    private TcpListener listener = null!;
    private RpcServer server = null!;
    private RpcClient client = null!;
    private CancellationTokenSource lifetime = null!;

    [SetUp]
    public void SetUp()
    {
        lifetime = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        server = new RpcServer(TextWriter.Null);
        _ = AcceptAsync();
        client = new RpcClient(async (_, ct) =>
        {
            var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, ct);
            return socket.GetStream();
        });
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptTcpClientAsync(lifetime.Token);
                _ = server.ServeAsync(socket.GetStream(), null, lifetime.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        await lifetime.CancelAsync();
        await client.DisposeAsync();
        listener.Stop();
        lifetime.Dispose();
    }

    [Test]
    public async Task CallAsync_Handler_AnswersItsResult()
    {
        server.Handle<Echo>("echo", (_, request, _) => Task.FromResult<object?>(new Echo(request.Text + "!")));

        var answer = await client.CallAsync<Echo>("m", "echo", new Echo("hi"), CancellationToken.None);

        Assert.That(answer.Text, Is.EqualTo("hi!"));
    }

    [Test]
    public void CallAsync_CalleeNotLeader_ThrowsNotLeader()
    {
        server.Handle("propose", (_, _, _) => throw new NotLeaderException("10.0.0.2:2377"));

        Assert.ThrowsAsync<NotLeaderException>(() => client.CallAsync("m", "propose", new Echo(""), CancellationToken.None));
    }

    [Test]
    public void CallAsync_HandlerRefuses_SameErrorKindAndMessage()
    {
        server.Handle("propose", (_, _, _) => throw new BerthException(BerthErrorKind.Conflict, "service web already exists"));

        var e = Assert.ThrowsAsync<BerthException>(() => client.CallAsync("m", "propose", new Echo(""), CancellationToken.None));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(e.Message, Is.EqualTo("service web already exists"));
    }

    private sealed record Echo(string Text);
}
