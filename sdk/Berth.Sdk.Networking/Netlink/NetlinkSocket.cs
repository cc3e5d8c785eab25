using System.Runtime.InteropServices;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// A blocking netlink datagram socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC) bound to a kernel-assigned port, with
/// extended acks asked for and a receive timeout so that a missing reply cannot hang its caller. The socket stays in
/// the network namespace of the thread that created it.
/// </summary>
internal sealed partial class NetlinkSocket : IDisposable
{
    private static readonly byte[] KernelAddress = Native.KernelAddress();
    private readonly SocketHandle _handle;
    private byte[] _buffer;

    /// <param name="protocol">The netlink family, NETLINK_ROUTE (0) for rtnetlink.</param>
    /// <param name="receiveTimeout">How long a read waits for the kernel.</param>
    /// <param name="receiveBufferSize">The first read buffer's size; it grows for larger datagrams.</param>
    public NetlinkSocket(int protocol, TimeSpan receiveTimeout, int receiveBufferSize = 32 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(receiveBufferSize, NetlinkProtocol.HeaderLength);
        _buffer = new byte[receiveBufferSize];
        var fd = Native.Socket(NetlinkProtocol.AddressFamilyNetlink, Native.SockRaw | Native.SockCloexec, protocol);
        if (fd < 0) throw Errno.LastError("netlink socket");
        _handle = new SocketHandle(fd);
        try
        {
            SetTimeout(receiveTimeout);
            // Best effort: without them errors still arrive, just without the kernel's text or with the whole request echoed.
            _ = SetOption(Native.SolNetlink, Native.NetlinkCapAck, 1);
            _ = SetOption(Native.SolNetlink, Native.NetlinkExtAck, 1);
            if (Native.Bind(_handle, KernelAddress, KernelAddress.Length) != 0) throw Errno.LastError("netlink bind");
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
        ReceiveTimeout = receiveTimeout;
    }

    public TimeSpan ReceiveTimeout { get; }

    /// <summary>How many datagrams have been read so far.</summary>
    public long DatagramsReceived { get; private set; }

    /// <summary>The current read buffer's size.</summary>
    public int ReceiveBufferSize => _buffer.Length;

    public void Send(ReadOnlySpan<byte> message)
    {
        while (true)
        {
            var sent = Native.SendTo(_handle, message, (nuint)message.Length, 0, KernelAddress, KernelAddress.Length);
            if (sent == message.Length) return;
            if (sent >= 0) throw new IOException($"netlink send: {sent} of {message.Length} bytes sent");
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR) throw Errno.ToException("netlink send", errno);
        }
    }

    /// <summary>Reads one datagram (which may hold several messages) into a fresh array, growing the buffer for large ones.</summary>
    public byte[] Receive()
    {
        // Peek with MSG_TRUNC for the real size first: a datagram read into a too-small buffer is lost for good.
        var size = Recv(Native.MsgPeek | Native.MsgTrunc);
        if (size > _buffer.Length) _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
        var read = Recv(0);
        DatagramsReceived++;
        return _buffer.AsSpan(0, read).ToArray();
    }

    public void Dispose() => _handle.Dispose();

    private int Recv(int flags)
    {
        while (true)
        {
            var read = Native.Recv(_handle, _buffer, (nuint)_buffer.Length, flags);
            if (read >= 0) return (int)read;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.EAGAIN) throw new TimeoutException($"netlink: no reply from the kernel within {ReceiveTimeout.TotalSeconds:0.#} s");
            throw Errno.ToException("netlink receive", errno);
        }
    }

    private void SetTimeout(TimeSpan timeout)
    {
        // struct timeval on 64-bit Linux: s64 seconds, s64 microseconds.
        Span<byte> timeval = stackalloc byte[16];
        var micros = (long)(timeout.TotalMilliseconds * 1000);
        BitConverter.TryWriteBytes(timeval, micros / 1_000_000);
        BitConverter.TryWriteBytes(timeval[8..], micros % 1_000_000);
        if (Native.SetSockOpt(_handle, Native.SolSocket, Native.SoRcvTimeo, timeval, timeval.Length) != 0)
            throw Errno.LastError("netlink SO_RCVTIMEO");
    }

    private bool SetOption(int level, int name, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, value);
        return Native.SetSockOpt(_handle, level, name, bytes, bytes.Length) == 0;
    }
}
