using System.Net.NetworkInformation;
using System.Runtime.InteropServices;

namespace Berth.Sdk.Networking.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>Creates a bridge (<c>ip link add NAME type bridge</c>), down, and returns its index.</summary>
    /// <exception cref="NetlinkException">EEXIST when a link of that name exists.</exception>
    public int CreateBridge(string name, int? mtu = null)
    {
        LinkMessages.ValidateName(name, nameof(name));
        ValidateMtu(mtu);
        Execute(LinkMessages.CreateBridge(name, mtu), name);
        return IndexAfterCreate(name);
    }

    /// <summary>
    /// Creates a veth pair <paramref name="name"/> / <paramref name="peerName"/>, both down, both with
    /// <paramref name="mtu"/> when given; <paramref name="name"/> is enslaved to <paramref name="masterIndex"/> when given.
    /// </summary>
    public void CreateVethPair(string name, string peerName, int? mtu = null, int? masterIndex = null)
    {
        LinkMessages.ValidateName(name, nameof(name));
        LinkMessages.ValidateName(peerName, nameof(peerName));
        ValidateMtu(mtu);
        if (masterIndex is { } master) ValidateIndex(master, nameof(masterIndex));
        Execute(LinkMessages.CreateVethPair(name, peerName, mtu, masterIndex), $"{name} peer {peerName}");
    }

    /// <summary>The index of the link called <paramref name="name"/>, or null when there is none.</summary>
    public int? GetIndex(string name) => GetLink(name)?.Index;

    /// <summary>The link called <paramref name="name"/>, or null when there is none.</summary>
    public LinkInfo? GetLink(string name)
    {
        LinkMessages.ValidateName(name, nameof(name));
        return FirstLink(ExecuteOrAbsent(LinkMessages.Get(name), name, Errno.ENODEV));
    }

    /// <summary>The link with index <paramref name="index"/>, or null when there is none.</summary>
    public LinkInfo? GetLink(int index)
    {
        ValidateIndex(index, nameof(index));
        return FirstLink(ExecuteOrAbsent(LinkMessages.Get(index), Subject(index), Errno.ENODEV));
    }

    /// <summary>Every link of the socket's network namespace.</summary>
    public IReadOnlyList<LinkInfo> GetLinks() =>
        Execute(LinkMessages.Dump(), "dump").Where(m => m.Type == RtnetlinkTypes.NewLink).Select(LinkMessages.Parse).ToList();

    /// <summary><c>ip link set dev INDEX up</c>.</summary>
    public void SetUp(int index) => Change(LinkMessages.ChangeFlags(ValidateIndex(index, nameof(index)), LinkAttributes.FlagUp, LinkAttributes.FlagUp), index);

    /// <summary><c>ip link set dev INDEX down</c>.</summary>
    public void SetDown(int index) => Change(LinkMessages.ChangeFlags(ValidateIndex(index, nameof(index)), 0, LinkAttributes.FlagUp), index);

    /// <summary>Enslaves link <paramref name="index"/> to the bridge <paramref name="masterIndex"/> (<c>ip link set … master …</c>).</summary>
    public void SetMaster(int index, int masterIndex)
    {
        ValidateIndex(masterIndex, nameof(masterIndex));
        Change(LinkMessages.Change(ValidateIndex(index, nameof(index))).AddUInt32(LinkAttributes.Master, (uint)masterIndex), index);
    }

    /// <summary>Releases link <paramref name="index"/> from its bridge (<c>ip link set … nomaster</c>).</summary>
    public void RemoveMaster(int index) =>
        Change(LinkMessages.Change(ValidateIndex(index, nameof(index))).AddUInt32(LinkAttributes.Master, 0), index);

    /// <summary><c>ip link set dev INDEX mtu MTU</c>.</summary>
    public void SetMtu(int index, int mtu)
    {
        ValidateMtu(mtu);
        Change(LinkMessages.Change(ValidateIndex(index, nameof(index))).AddUInt32(LinkAttributes.Mtu, (uint)mtu), index);
    }

    /// <summary><c>ip link set dev INDEX address MAC</c>.</summary>
    public void SetMacAddress(int index, PhysicalAddress macAddress)
    {
        ArgumentNullException.ThrowIfNull(macAddress);
        SetMacAddress(index, macAddress.GetAddressBytes());
    }

    /// <summary><c>ip link set dev INDEX address MAC</c> with the address's raw bytes (6 for Ethernet).</summary>
    public void SetMacAddress(int index, byte[] macAddress)
    {
        ArgumentNullException.ThrowIfNull(macAddress);
        if (macAddress.Length == 0) throw new ArgumentException("the MAC address is empty", nameof(macAddress));
        Change(LinkMessages.Change(ValidateIndex(index, nameof(index))).AddAttribute(LinkAttributes.Address, macAddress), index);
    }

    /// <summary>
    /// Renames link <paramref name="index"/>. Bring the link down first: older kernels refuse (EBUSY) to rename a
    /// link that is up.
    /// </summary>
    public void Rename(int index, string newName)
    {
        LinkMessages.ValidateName(newName, nameof(newName));
        Change(LinkMessages.Change(ValidateIndex(index, nameof(index))).AddString(LinkAttributes.Name, newName), index, $" to {newName}");
    }

    /// <summary>
    /// Moves link <paramref name="index"/> into the network namespace open at <paramref name="networkNamespace"/>
    /// (<c>ip link set … netns …</c>). The link comes down, and keeps its name but may get another index there.
    /// </summary>
    public void MoveToNamespace(int index, SafeHandle networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        var added = false;
        try
        {
            networkNamespace.DangerousAddRef(ref added);
            MoveToNamespace(index, (int)networkNamespace.DangerousGetHandle());
        }
        finally
        {
            if (added) networkNamespace.DangerousRelease();
        }
    }

    /// <summary>Moves link <paramref name="index"/> into the network namespace open as file descriptor <paramref name="networkNamespaceFd"/>.</summary>
    public void MoveToNamespace(int index, int networkNamespaceFd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(networkNamespaceFd);
        Change(LinkMessages.Change(ValidateIndex(index, nameof(index))).AddUInt32(LinkAttributes.NetNsFd, (uint)networkNamespaceFd), index,
            " to another network namespace");
    }

    /// <summary>Deletes link <paramref name="index"/> (for a veth, both ends).</summary>
    public void DeleteLink(int index) => Execute(LinkMessages.Delete(ValidateIndex(index, nameof(index))), Subject(index));

    private static string Subject(int index) => $"link {index}";

    private static LinkInfo? FirstLink(List<NetlinkMessage>? replies) =>
        replies?.Where(m => m.Type == RtnetlinkTypes.NewLink).Select(LinkMessages.Parse).FirstOrDefault();

    private static int ValidateIndex(int index, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index, parameterName);
        return index;
    }

    private static void ValidateMtu(int? mtu)
    {
        if (mtu is { } value) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(mtu));
    }

    private void Change(NetlinkMessageBuilder request, int index, string detail = "") => Execute(request, Subject(index) + detail);

    private int IndexAfterCreate(string name) =>
        GetIndex(name) ?? throw new NetlinkException($"netlink RTM_NEWLINK {name}: the kernel acknowledged the new link but does not list it");
}
