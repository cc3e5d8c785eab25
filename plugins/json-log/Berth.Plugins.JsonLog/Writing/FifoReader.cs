using System.Net.Sockets;
using Berth.Plugins.JsonLog.Native;
using Berth.Sdk;

namespace Berth.Plugins.JsonLog.Writing;

/// <summary>
/// The read end of a container's log FIFO. It is opened non-blocking and wrapped in a <see cref="Socket"/>, which
/// .NET drives with epoll for non-socket descriptors too: reads wait without holding a thread and can be cancelled,
/// and <see cref="ReadAvailable"/> takes what is buffered without waiting.
/// </summary>
internal sealed class FifoReader : IDisposable
{
    private readonly Socket socket;

    private FifoReader(Socket socket) => this.socket = socket;

    public static FifoReader Open(string path)
    {
        if (!LibC.TryGetType(path, out var type, out var errno))
        {
            throw errno == LibC.Enoent
                ? BerthException.NotFound($"json-log: the log FIFO {path} does not exist")
                : BerthException.Invalid($"json-log: the log FIFO {path}: {LibC.Describe(errno)}");
        }
        if (type != LibC.TypeFifo) throw BerthException.Invalid($"json-log: {path} is not a FIFO");
        var fd = LibC.Open(path, LibC.OpenReadOnly | LibC.OpenNonBlocking | LibC.OpenCloseOnExec);
        if (fd < 0)
        {
            var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new BerthException($"json-log: opening the log FIFO {path}: {LibC.Describe(error)}");
        }
        return new FifoReader(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
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
}
