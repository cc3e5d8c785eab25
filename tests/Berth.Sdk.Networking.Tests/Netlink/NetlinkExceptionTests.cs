using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class NetlinkExceptionTests
{
    [Test]
    public void Constructor_Eexist_MessageNamesTheRequestTheStrerrorAndTheErrno()
    {
        var exception = new NetlinkException("RTM_NEWLINK br-x", 17, null);

        Assert.That(exception.Message, Is.EqualTo("netlink RTM_NEWLINK br-x: File exists (EEXIST)"));
        Assert.That(exception.Errno, Is.EqualTo(17));
        Assert.That(exception.ErrnoName, Is.EqualTo("EEXIST"));
        Assert.That(exception.HResult, Is.EqualTo(17));
        Assert.That(exception.Operation, Is.EqualTo("RTM_NEWLINK br-x"));
    }

    [Test]
    public void Constructor_WithKernelText_AppendsIt()
    {
        var exception = new NetlinkException("RTM_NEWLINK x", 22, "Unknown device type");

        Assert.That(exception.Message, Is.EqualTo("netlink RTM_NEWLINK x: Invalid argument (EINVAL): Unknown device type"));
        Assert.That(exception.KernelMessage, Is.EqualTo("Unknown device type"));
    }

    [Test]
    public void ErrnoName_UnknownErrno_SaysTheNumber() =>
        Assert.That(new NetlinkException("RTM_GETLINK x", 4095, null).ErrnoName, Is.EqualTo("errno 4095"));
}
