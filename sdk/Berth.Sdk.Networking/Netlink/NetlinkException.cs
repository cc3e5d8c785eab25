namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// The kernel refused a netlink request. The message names the request, what it was about, the strerror text and
/// the errno's name, plus the kernel's own explanation when it gave one:
/// <c>netlink RTM_NEWLINK br-x: File exists (EEXIST)</c>. <see cref="Exception.HResult"/> is the errno.
/// </summary>
public sealed class NetlinkException : IOException
{
    public NetlinkException()
        : this("netlink request failed")
    {
    }

    public NetlinkException(string message)
        : base(message)
    {
        Operation = "netlink";
    }

    public NetlinkException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "netlink";
    }

    /// <summary>A refusal of <paramref name="operation"/> (<c>RTM_NEWLINK br-x</c>) with the positive <paramref name="errno"/>.</summary>
    public NetlinkException(string operation, int errno, string? kernelMessage)
        : base(Format(operation, errno, kernelMessage), errno)
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
    }

    /// <summary>What was asked: the message type and its subject, such as <c>RTM_NEWLINK br-x</c>.</summary>
    public string Operation { get; }

    /// <summary>The positive errno the kernel answered (17 for EEXIST); 0 when the failure was not an errno.</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name, such as <c>EEXIST</c>.</summary>
    public string ErrnoName => Berth.Sdk.Networking.Errno.Name(Errno);

    /// <summary>The kernel's extended-ack text (<c>Unknown device type</c>), when it sent one.</summary>
    public string? KernelMessage { get; }

    private static string Format(string operation, int errno, string? kernelMessage)
    {
        var text = $"netlink {operation}: {Berth.Sdk.Networking.Errno.Describe(errno)}";
        return kernelMessage is null ? text : $"{text}: {kernelMessage}";
    }
}
