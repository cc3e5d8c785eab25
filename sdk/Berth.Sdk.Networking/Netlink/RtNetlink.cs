namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// A NETLINK_ROUTE client: creates and changes links, bridges and veth pairs, addresses and routes, like
/// <c>ip link</c>, <c>ip addr</c> and <c>ip route</c>. Every request asks for an ack and waits for it, so a refusal
/// surfaces as a <see cref="NetlinkException"/> from the call that made it. The socket works in the network namespace
/// of the thread that created it, whichever thread uses it later (see <c>NetworkNamespace.OpenNetlink</c>). Calls are
/// serialized, so one instance may be shared; each call blocks only for the kernel's immediate reply (bounded by the
/// reply timeout).
/// </summary>
public sealed partial class RtNetlink : IDisposable
{
    /// <summary>How long a call waits for the kernel's reply unless told otherwise.</summary>
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly NetlinkSocket _socket;
    private readonly Lock _gate = new();
    private uint _sequence = (uint)Environment.TickCount;
    private bool _disposed;

    /// <summary>Opens a NETLINK_ROUTE socket in the calling thread's network namespace.</summary>
    public RtNetlink()
        : this(DefaultReplyTimeout)
    {
    }

    /// <summary>Opens a NETLINK_ROUTE socket in the calling thread's network namespace.</summary>
    /// <param name="replyTimeout">How long a call waits for the kernel's reply before it throws <see cref="TimeoutException"/>.</param>
    public RtNetlink(TimeSpan replyTimeout)
        : this(replyTimeout, 32 * 1024)
    {
    }

    /// <summary>With a chosen first read-buffer size (tests use a small one to exercise its growth).</summary>
    internal RtNetlink(TimeSpan replyTimeout, int receiveBufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(replyTimeout, TimeSpan.Zero);
        _socket = new NetlinkSocket(NetlinkProtocol.NetlinkRoute, replyTimeout, receiveBufferSize);
    }

    /// <summary>How many datagrams the socket has read (a multipart dump takes several).</summary>
    internal long DatagramsReceived => _socket.DatagramsReceived;

    /// <summary>The socket's current read-buffer size.</summary>
    internal int ReceiveBufferSize => _socket.ReceiveBufferSize;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and collects its replies: up to the ack for a plain request, up to NLMSG_DONE for
    /// a dump (across as many datagrams as the kernel sends). Replies to earlier, abandoned requests are skipped by
    /// their sequence number. A negative errno becomes a <see cref="NetlinkException"/> naming <paramref name="subject"/>.
    /// </summary>
    internal List<NetlinkMessage> Execute(NetlinkMessageBuilder request, string subject)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var sequence = ++_sequence;
            _socket.Send(request.Build(sequence));
            var replies = new List<NetlinkMessage>();
            while (true)
            {
                foreach (var message in NetlinkMessage.ParseAll(_socket.Receive()))
                {
                    if (message.Sequence != sequence) continue;
                    switch (message.Type)
                    {
                        case NetlinkProtocol.Error:
                            var (errno, kernelMessage) = NetlinkError.Decode(message);
                            if (errno != 0) throw new NetlinkException(Operation(request, subject), errno, kernelMessage);
                            return replies;
                        case NetlinkProtocol.Done:
                            if (message.Payload.Length >= 4 && BitConverter.ToInt32(message.Payload.Span) is < 0 and var error)
                                throw new NetlinkException(Operation(request, subject), -error, null);
                            return replies;
                        case NetlinkProtocol.Noop:
                            break;
                        case NetlinkProtocol.Overrun:
                            throw new NetlinkException($"netlink {Operation(request, subject)}: the kernel overran the socket's receive buffer");
                        default:
                            replies.Add(message);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>Like <see cref="Execute"/>, but null instead of an exception when the kernel answers <paramref name="absentErrno"/>.</summary>
    internal List<NetlinkMessage>? ExecuteOrAbsent(NetlinkMessageBuilder request, string subject, int absentErrno)
    {
        try
        {
            return Execute(request, subject);
        }
        catch (NetlinkException e) when (e.Errno == absentErrno)
        {
            return null;
        }
    }

    private static string Operation(NetlinkMessageBuilder request, string subject) => $"{RtnetlinkTypes.Name(request.Type)} {subject}";
}
