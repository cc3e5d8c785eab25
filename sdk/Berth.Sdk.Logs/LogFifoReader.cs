using System.Net.Sockets;
using System.Runtime.InteropServices;
using Berth.Sdk;

namespace Berth.Sdk.Logs;

/// <summary>
/// The read end of a container's log FIFO, opened non-blocking and wrapped in a <see cref="Socket"/>, which .NET drives
/// with epoll for any descriptor: reads wait without a thread and can be cancelled, and <see cref="ReadAvailable"/>
/// takes what is buffered without waiting (berthd keeps the write end open, so a drain has no end of file to wait for).
/// </summary>
internal sealed partial class LogFifoReader : IDisposable
{
    private const int OpenReadOnlyNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;
    private const int NoSuchFile = 2;

    private readonly Socket socket;

    private LogFifoReader(Socket socket) => this.socket = socket;

    public static LogFifoReader Open(string path)
    {
        var fd = OpenFile(path, OpenReadOnlyNonBlocking | OpenCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == NoSuchFile
                ? BerthException.NotFound($"the log FIFO {path} does not exist")
                : BerthException.Invalid($"the log FIFO {path} cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return new LogFifoReader(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
    }

    /// <summary>Waits for data; 0 once every writer has closed the FIFO.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>What the FIFO holds right now, without waiting; 0 when it is empty or closed.</summary>
    public int ReadAvailable(Span<byte> buffer)
    {
        socket.Blocking = false;
        var read = socket.Receive(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => read,
            SocketError.WouldBlock => 0,
            _ => throw new IOException($"reading the log FIFO: {error}"),
        };
    }

    public void Dispose() => socket.Dispose();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);
}
