using System.Net.Sockets;
using System.Text;
using Berth.Kernel.Runtime.Native;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>
/// A client of conmon's attach socket (SOCK_SEQPACKET). Each packet conmon sends is one read of the process's
/// output, prefixed by the pipe it came from (2 stdout, 3 stderr); what the client sends goes to the process's stdin,
/// and shutting down the sending side closes that stdin.
/// </summary>
public sealed class AttachConnection : IDisposable
{
    public const int Stdout = 2;
    public const int Stderr = 3;
    private const int PacketSize = 8192 + 1;
    private const int MaxAddress = 100; // sun_path holds 108 bytes

    private readonly Socket socket;

    private AttachConnection(Socket socket) => this.socket = socket;

    /// <summary>Connects; a path longer than a socket address holds is reached through /proc/self/fd of its directory.</summary>
    public static async Task<AttachConnection> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        var directory = -1;
        try
        {
            var address = path;
            if (Encoding.UTF8.GetByteCount(path) > MaxAddress)
            {
                directory = LibC.Open(Path.GetDirectoryName(path)!, LibC.OPath | LibC.ODirectory | LibC.OCloexec, 0);
                if (directory < 0) throw new IOException($"open {Path.GetDirectoryName(path)}: {LibC.Describe(LibC.LastErrno)}");
                address = $"/proc/self/fd/{directory}/{Path.GetFileName(path)}";
            }
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(address), cancellationToken).ConfigureAwait(false);
            return new AttachConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            if (directory >= 0) LibC.Close(directory);
        }
    }

    /// <summary>Receives one packet into <paramref name="buffer"/> (at least 8193 bytes).</summary>
    /// <returns>The pipe and payload length, or null when conmon closed the connection (the process ended).</returns>
    public async Task<(int Pipe, int Length)?> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.Length < PacketSize) throw new ArgumentException($"the buffer must hold {PacketSize} bytes", nameof(buffer));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read <= 0) return null;
        var pipe = buffer.Span[0];
        buffer.Span[1..read].CopyTo(buffer.Span);
        return (pipe, read - 1);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var chunk = data[..Math.Min(data.Length, 8192)];
            await socket.SendAsync(chunk, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[chunk.Length..];
        }
    }

    /// <summary>No more input: the process's stdin is closed (unless the container keeps it open).</summary>
    public void CloseInput()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => socket.Dispose();
}
