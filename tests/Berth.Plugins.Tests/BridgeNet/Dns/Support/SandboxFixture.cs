using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Berth.Sdk.Networking.Namespaces;

namespace Berth.Plugins.Tests.BridgeNet.Dns.Support;

/// <summary>
/// Network namespaces playing containers' sandboxes (root only): each is made with its loopback up, as the daemon's
/// are. TearDown disposes what the test registered for disposal (listeners first, as they hold sockets inside), then
/// deletes every namespace and the temporary directory, even when the test failed half-way.
/// </summary>
public abstract class SandboxFixture
{
    private readonly List<string> namespaces = [];
    private readonly List<IAsyncDisposable> disposables = [];
    private string? directory;

    protected string Directory => directory!;

    [SetUp]
    public void CreateDirectory()
    {
        if (!Environment.IsPrivilegedProcess) Assert.Ignore("needs root (network namespaces)");
        directory = System.IO.Directory.CreateTempSubdirectory("berth-dns-test-").FullName;
    }

    [TearDown]
    public async Task RemoveSandboxesAsync()
    {
        for (var i = disposables.Count - 1; i >= 0; i--) await disposables[i].DisposeAsync();
        disposables.Clear();
        var failures = new List<Exception>();
        foreach (var path in namespaces)
        {
            try
            {
                NetworkNamespace.Delete(path);
            }
            catch (IOException e)
            {
                failures.Add(e);
            }
        }
        namespaces.Clear();
        if (directory is not null && failures.Count == 0) System.IO.Directory.Delete(directory, recursive: true);
        directory = null;
        if (failures.Count > 0) throw new AggregateException("could not delete every test namespace", failures);
    }

    /// <summary>A namespace with its loopback up, under the test's directory; its path is the sandbox key.</summary>
    protected string CreateSandbox(string name)
    {
        var path = Path.Combine(Directory, name);
        namespaces.Add(path);
        NetworkNamespace.CreatePersistent(path);
        using var netlink = NetworkNamespace.OpenNetlink(path);
        netlink.SetUp(netlink.GetIndex("lo")!.Value);
        return path;
    }

    /// <summary>Disposes <paramref name="disposable"/> in TearDown (again, if the test already did: it must not mind).</summary>
    protected T Dispose<T>(T disposable) where T : IAsyncDisposable
    {
        disposables.Add(disposable);
        return disposable;
    }
}

/// <summary>Clients inside a sandbox: sockets created in its namespace talking to 127.0.0.11:53.</summary>
internal static class SandboxClient
{
    /// <summary>A socket created inside the sandbox (it stays there).</summary>
    public static Socket SocketIn(string sandbox, SocketType type, ProtocolType protocol) =>
        NetworkNamespace.Run(sandbox, () => new Socket(AddressFamily.InterNetwork, type, protocol));

    public static readonly IPEndPoint Resolver = new(IPAddress.Parse("127.0.0.11"), 53);

    /// <summary>Sends the query from inside the sandbox to 127.0.0.11:53 over UDP and returns the reply.</summary>
    public static async Task<DnsReply> QueryUdpAsync(string sandbox, byte[] query) => DnsWire.Parse(await ExchangeUdpAsync(sandbox, query));

    public static async Task<byte[]> ExchangeUdpAsync(string sandbox, byte[] query)
    {
        using var socket = SocketIn(sandbox, SocketType.Dgram, ProtocolType.Udp);
        using var timeout = new CancellationTokenSource(Wait.Cap);
        await socket.ConnectAsync(Resolver, timeout.Token);
        await socket.SendAsync(query, SocketFlags.None, timeout.Token);
        var buffer = new byte[65535];
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..length];
    }

    /// <summary>Sends the query from inside the sandbox to 127.0.0.11:53 over TCP and returns the reply.</summary>
    public static async Task<DnsReply> QueryTcpAsync(string sandbox, byte[] query)
    {
        using var socket = SocketIn(sandbox, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Wait.Cap);
        await socket.ConnectAsync(Resolver, timeout.Token);
        await using var stream = new NetworkStream(socket);
        await WriteFrameAsync(stream, query, timeout.Token);
        return DnsWire.Parse(await ReadFrameAsync(stream, timeout.Token));
    }

    public static async Task WriteFrameAsync(Stream stream, byte[] message, CancellationToken cancellationToken)
    {
        var frame = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame, 2);
        await stream.WriteAsync(frame, cancellationToken);
    }

    public static async Task<byte[]> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = new byte[2];
        await stream.ReadExactlyAsync(length, cancellationToken);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(message, cancellationToken);
        return message;
    }

    /// <summary>Whether UDP and TCP 127.0.0.11:53 can be bound in the sandbox (nothing listens there).</summary>
    public static bool Port53Free(string sandbox) => NetworkNamespace.Run(sandbox, () =>
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(Resolver);
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            tcp.Bind(Resolver);
            tcp.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });
}
