using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>
/// socket(2), bind(2) and getsockname(2) for IPv4, straight from libc: .NET's Socket.Bind sets SO_REUSEADDR on TCP
/// sockets, which would let any other program that sets it too bind and listen on a port the driver holds.
/// </summary>
internal static partial class SocketCalls
{
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int EPROTONOSUPPORT = 93;
    public const int ESOCKTNOSUPPORT = 94;

    private const int AddressFamilyInet = 2;        // AF_INET
    private const int CloseOnExec = 0x80000;        // SOCK_CLOEXEC: iptables children must not inherit the port
    private const int SockAddrInLength = 16;        // struct sockaddr_in

    /// <summary>An IPv4 socket of <paramref name="type"/> and <paramref name="protocol"/> in the calling thread's network namespace.</summary>
    /// <exception cref="SocketCallException">The kernel refused (EPROTONOSUPPORT when it has no SCTP, for one).</exception>
    public static SafeFileHandle Open(int type, int protocol)
    {
        var fd = Socket(AddressFamilyInet, type | CloseOnExec, protocol);
        if (fd < 0) throw new SocketCallException("socket", Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Binds <paramref name="socket"/> to <paramref name="address"/>:<paramref name="port"/> (0 for an ephemeral port) and returns the port bound.</summary>
    /// <exception cref="SocketCallException">EADDRINUSE when something holds the port, EADDRNOTAVAIL for an address the host does not have.</exception>
    public static int Bind(SafeFileHandle socket, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException($"{address} is not an IPv4 address", nameof(address));
        Span<byte> sockaddr = stackalloc byte[SockAddrInLength];
        sockaddr.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(sockaddr, AddressFamilyInet);
        BinaryPrimitives.WriteUInt16BigEndian(sockaddr[2..], checked((ushort)port));
        address.TryWriteBytes(sockaddr[4..8], out _);
        if (Bind(socket, sockaddr, SockAddrInLength) != 0) throw new SocketCallException("bind", Marshal.GetLastPInvokeError());
        if (port != 0) return port;
        var length = SockAddrInLength;
        if (GetSockName(socket, sockaddr, ref length) != 0) throw new SocketCallException("getsockname", Marshal.GetLastPInvokeError());
        return BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int Bind(SafeHandle socket, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    private static partial int GetSockName(SafeHandle socket, Span<byte> address, ref int length);
}

/// <summary>A refused socket call, with its errno and libc's text for it (<c>address already in use</c>).</summary>
internal sealed class SocketCallException(string call, int errno)
    : IOException($"{call}: {Describe(errno)}")
{
    public int Errno { get; } = errno;

    /// <summary>libc's text for the errno, lower-case as Go prints it: <c>address already in use</c>.</summary>
    public string Reason => Describe(Errno);

    private static string Describe(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : $"errno {errno}";
    }
}
