using System.Net.Sockets;
using System.Runtime.InteropServices;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Logs;

/// <summary>
/// The read end of a container's log FIFO, opened non-blocking and wrapped in a <see cref="Socket"/>, which .NET drives
/// with epoll for any descriptor: reads wait without a thread and can be cancelled, and <see cref="ReadAvailable"/>
/// takes what is buffered without waiting (berthd keeps the write end open, so a drain has no end of file to wait for).
/// </summary>
public sealed partial class LogFifoReader : IDisposable
{
    private const int OpenReadOnlyNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;
    private const int NoSuchFile = 2;
    private const int NotSeekable = 29; // ESPIPE: what lseek says of a FIFO
    private const int SeekCurrent = 1;

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
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        if (Seek(fd, 0, SeekCurrent) >= 0 || Marshal.GetLastPInvokeError() != NotSeekable)
        {
            handle.Dispose();
            throw BerthException.Invalid($"{path} is not a FIFO");
        }
        return new LogFifoReader(new Socket(handle));
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

    /// <summary>
    /// Reads exactly the rest of the frame that <paramref name="buffer"/>[..<paramref name="filled"/>] begins (its
    /// header first when that is incomplete), so a reader that stops leaves the FIFO at a frame boundary.
    /// </summary>
    /// <returns>The buffer (a larger one when the frame needs it) now holding the whole frame, and its length.</returns>
    /// <exception cref="OperationCanceledException">The rest did not come before <paramref name="cancellationToken"/>.</exception>
    /// <exception cref="IOException">The FIFO was closed inside the frame.</exception>
    public async Task<(byte[] Buffer, int Filled)> ReadRestOfFrameAsync(byte[] buffer, int filled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (filled < LogEntryCodec.HeaderLength)
            filled = await ReadExactlyAsync(buffer, filled, LogEntryCodec.HeaderLength, cancellationToken).ConfigureAwait(false);
        LogEntryCodec.TryDecode(buffer.AsSpan(0, filled), out _, out var needed);
        if (needed > buffer.Length)
            Array.Resize(ref buffer, needed);
        return (buffer, await ReadExactlyAsync(buffer, filled, needed, cancellationToken).ConfigureAwait(false));
    }

    private async Task<int> ReadExactlyAsync(byte[] buffer, int filled, int end, CancellationToken cancellationToken)
    {
        while (filled < end)
        {
            var read = await ReadAsync(buffer.AsMemory(filled, end - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw new IOException("the log FIFO was closed inside a log entry");
            filled += read;
        }
        return filled;
    }

    public void Dispose() => socket.Dispose();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Seek(int fd, long offset, int whence);
}
