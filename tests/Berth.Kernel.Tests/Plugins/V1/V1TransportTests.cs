using System.Net.Sockets;
using System.Text;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Plugins.V1;

public sealed class V1TransportTests
{
    private string dir = "";

    [SetUp]
    public void CreateDir() => dir = Directory.CreateTempSubdirectory("berth-v1-transport.").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private V1PluginAddress Address(string file) => new("foo", new Uri("unix://" + Path.Combine(dir, file)), Path.Combine(dir, file));

    [Test]
    public async Task CreateHandler_UnixSocket_SendsDockersRequestOverTheSocket()
    {
        var address = Address("foo.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(address.SocketPath));
        listener.Listen();
        var served = ServeOnceAsync(listener, "{\"Implements\":[\"LogDriver\"]}");
        using var client = new V1PluginClient(address, V1Transport.CreateHandler(address), () => TimeSpan.FromSeconds(30), TimeProvider.System);

        var reply = await Wait.Within(client.CallAsync("Plugin.Activate", null, CancellationToken.None));

        Assert.That(reply.GetProperty("Implements")[0].GetString(), Is.EqualTo("LogDriver"));
        var request = await Wait.Within(served);
        Assert.That(request, Does.StartWith("POST /Plugin.Activate HTTP/1.1\r\n"));
        Assert.That(request, Does.Contain("Host: plugin.moby.localhost\r\n"));
        Assert.That(request, Does.Contain("Accept: application/vnd.docker.plugins.v1.2+json\r\n"));
    }

    [Test]
    public async Task CreateHandler_NoSocket_IsAConnectionErrorAndReported503()
    {
        var address = Address("gone.sock");
        using var client = new V1PluginClient(address, V1Transport.CreateHandler(address), () => TimeSpan.Zero, new FakeTimeProvider());

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("Plugin.Activate", null, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(ex.Message, Does.StartWith($"plugin foo is not reachable at unix://{address.SocketPath}"));
        using var http = new HttpClient(V1Transport.CreateHandler(address));
        var raw = Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(V1Transport.BaseAddress(address), null));
        Assert.That(raw!.HttpRequestError, Is.EqualTo(HttpRequestError.ConnectionError), "what CallAsync retries");
    }

    /// <summary>Accepts one connection, reads the request head and answers 200 with <paramref name="json"/>.</summary>
    private static async Task<string> ServeOnceAsync(Socket listener, string json)
    {
        using var connection = await listener.AcceptAsync();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await connection.ReceiveAsync(buffer);
            if (read == 0) break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var body = Encoding.UTF8.GetBytes(json);
        await connection.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1.1+json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n").Concat(body).ToArray());
        return head.ToString();
    }
}
