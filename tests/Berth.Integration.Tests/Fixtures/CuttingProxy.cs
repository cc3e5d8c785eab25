using System.Net;
using System.Net.Sockets;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// A loopback TCP proxy in front of a local registry that drops its connections once, after a set number of response
/// bytes, as a registry that dies mid-layer does. It counts what it forwards, so a test can see a resumed download.
/// </summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int targetPort;
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> clients = [];
    private long cutAfter;
    private long forwarded;
    private Task? accepting;

    public CuttingProxy(int targetPort, long cutAfterBytes)
    {
        this.targetPort = targetPort;
        cutAfter = cutAfterBytes;
        listener.Start();
        accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>Response bytes forwarded so far.</summary>
    public long Forwarded => Interlocked.Read(ref forwarded);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var upstream = new TcpClient();
            lock (clients) clients.AddRange([client, upstream]);
            _ = PumpPairAsync(client, upstream);
        }
    }

    private async Task PumpPairAsync(TcpClient client, TcpClient upstream)
    {
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, targetPort, stop.Token);
            var up = client.GetStream().CopyToAsync(upstream.GetStream(), stop.Token);
            var down = PumpResponsesAsync(upstream.GetStream(), client.GetStream());
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // a dropped side ends the pair
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpResponsesAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            var total = Interlocked.Add(ref forwarded, read);
            var limit = Interlocked.Read(ref cutAfter);
            if (limit > 0 && total >= limit)
            {
                Interlocked.Exchange(ref cutAfter, 0); // only once
                return; // the connection is dropped mid-body
            }
            await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        lock (clients) foreach (var c in clients) c.Dispose();
        if (accepting is not null) await accepting;
        stop.Dispose();
    }
}
