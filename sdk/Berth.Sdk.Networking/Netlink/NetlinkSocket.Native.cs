using System.Runtime.InteropServices;

namespace Berth.Sdk.Networking.Netlink;

internal sealed partial class NetlinkSocket
{
    /// <summary>The libc socket calls, with the constants x86_64 and arm64 share.</summary>
    private static partial class Native
    {
        public const int SockRaw = 3;
        public const int SockCloexec = 0x80000;
        public const int MsgPeek = 0x2;
        public const int MsgTrunc = 0x20;
        public const int SolSocket = 1;
        public const int SoRcvTimeo = 20;
        public const int SolNetlink = 270;
        public const int NetlinkCapAck = 10;
        public const int NetlinkExtAck = 11;

        /// <summary>struct sockaddr_nl: u16 family, u16 pad, u32 port id, u32 groups.</summary>
        public const int SockaddrNetlinkSize = 12;

        [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
        public static partial int Socket(int domain, int type, int protocol);

        [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
        public static partial int Bind(SocketHandle socket, ReadOnlySpan<byte> address, int addressLength);

        [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
        public static partial int SetSockOpt(SocketHandle socket, int level, int name, ReadOnlySpan<byte> value, int valueLength);

        [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
        public static partial nint SendTo(SocketHandle socket, ReadOnlySpan<byte> buffer, nuint length, int flags, ReadOnlySpan<byte> address, int addressLength);

        [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
        public static partial nint Recv(SocketHandle socket, Span<byte> buffer, nuint length, int flags);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(nint fd);

        /// <summary>A sockaddr_nl for the kernel (port 0, no multicast groups).</summary>
        public static byte[] KernelAddress()
        {
            var address = new byte[SockaddrNetlinkSize];
            BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)NetlinkProtocol.AddressFamilyNetlink);
            return address;
        }
    }

    /// <summary>Owns the socket's file descriptor and closes it once.</summary>
    private sealed class SocketHandle : SafeHandle
    {
        public SocketHandle(int fd)
            : base(-1, ownsHandle: true) => SetHandle(fd);

        public override bool IsInvalid => handle < 0;

        protected override bool ReleaseHandle() => Native.Close(handle) == 0;
    }
}
