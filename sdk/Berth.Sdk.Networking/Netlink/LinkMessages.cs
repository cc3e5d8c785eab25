using System.Net.NetworkInformation;
using System.Text;
using static Berth.Sdk.Networking.Netlink.NetlinkProtocol;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>Encodes the link requests (RTM_NEWLINK, RTM_GETLINK, RTM_DELLINK) and decodes RTM_NEWLINK replies.</summary>
internal static class LinkMessages
{
    private const ushort CreateFlags = Request | Ack | Create | Exclusive;

    /// <summary><c>ip link add NAME [mtu MTU] type bridge</c>.</summary>
    public static NetlinkMessageBuilder CreateBridge(string name, int? mtu)
    {
        var message = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, CreateFlags).Add(new IfInfoMessage());
        message.AddString(LinkAttributes.Name, name);
        if (mtu is { } value) message.AddUInt32(LinkAttributes.Mtu, (uint)value);
        var linkInfo = message.BeginNested(LinkAttributes.LinkInfo);
        message.AddString(LinkAttributes.InfoKind, "bridge");
        message.EndNested(linkInfo);
        return message;
    }

    /// <summary>
    /// <c>ip link add NAME [mtu MTU] [master M] type veth peer name PEER [mtu MTU]</c>: the peer is described by
    /// VETH_INFO_PEER, which holds its own ifinfomsg followed by its attributes.
    /// </summary>
    public static NetlinkMessageBuilder CreateVethPair(string name, string peerName, int? mtu, int? masterIndex)
    {
        var message = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, CreateFlags).Add(new IfInfoMessage());
        message.AddString(LinkAttributes.Name, name);
        if (mtu is { } value) message.AddUInt32(LinkAttributes.Mtu, (uint)value);
        if (masterIndex is { } master) message.AddUInt32(LinkAttributes.Master, (uint)master);
        var linkInfo = message.BeginNested(LinkAttributes.LinkInfo);
        message.AddString(LinkAttributes.InfoKind, "veth");
        var infoData = message.BeginNested(LinkAttributes.InfoData);
        var peer = message.BeginNested(LinkAttributes.VethPeer);
        message.Add(new IfInfoMessage());
        message.AddString(LinkAttributes.Name, peerName);
        if (mtu is { } peerMtu) message.AddUInt32(LinkAttributes.Mtu, (uint)peerMtu);
        message.EndNested(peer);
        message.EndNested(infoData);
        message.EndNested(linkInfo);
        return message;
    }

    public static NetlinkMessageBuilder Get(string name)
    {
        var message = new NetlinkMessageBuilder(RtnetlinkTypes.GetLink, Request | Ack).Add(new IfInfoMessage());
        return message.AddString(LinkAttributes.Name, name);
    }

    public static NetlinkMessageBuilder Get(int index) =>
        new NetlinkMessageBuilder(RtnetlinkTypes.GetLink, Request | Ack).Add(new IfInfoMessage(0, 0, index, 0, 0));

    public static NetlinkMessageBuilder Dump() => new NetlinkMessageBuilder(RtnetlinkTypes.GetLink, Request | NetlinkProtocol.Dump).Add(new IfInfoMessage());

    /// <summary>An RTM_NEWLINK that changes the existing link <paramref name="index"/>; add the attributes to change.</summary>
    public static NetlinkMessageBuilder Change(int index) =>
        new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, Request | Ack).Add(new IfInfoMessage(0, 0, index, 0, 0));

    /// <summary>Sets the IFF_* bits in <paramref name="mask"/> to their values in <paramref name="flags"/>.</summary>
    public static NetlinkMessageBuilder ChangeFlags(int index, uint flags, uint mask) =>
        new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, Request | Ack).Add(new IfInfoMessage(0, 0, index, flags, mask));

    public static NetlinkMessageBuilder Delete(int index) =>
        new NetlinkMessageBuilder(RtnetlinkTypes.DelLink, Request | Ack).Add(new IfInfoMessage(0, 0, index, 0, 0));

    public static LinkInfo Parse(NetlinkMessage message)
    {
        var header = IfInfoMessage.Read(message.Payload.Span);
        var attributes = NetlinkAttribute.ParseAll(message.Payload[Align(IfInfoMessage.Size)..]);
        var name = NetlinkAttribute.Find(attributes, LinkAttributes.Name)?.ReadString() ?? "";
        var mtu = NetlinkAttribute.Find(attributes, LinkAttributes.Mtu)?.ReadUInt32() ?? 0;
        var address = NetlinkAttribute.Find(attributes, LinkAttributes.Address) is { } mac && mac.Value.Length > 0
            ? new PhysicalAddress(mac.Value.ToArray())
            : null;
        var master = NetlinkAttribute.Find(attributes, LinkAttributes.Master)?.ReadUInt32() is { } m and > 0 ? (int?)m : null;
        string? kind = null;
        if (NetlinkAttribute.Find(attributes, LinkAttributes.LinkInfo) is { } linkInfo)
            kind = NetlinkAttribute.Find(linkInfo.ReadNested(), LinkAttributes.InfoKind)?.ReadString();
        return new LinkInfo(header.Index, name, (int)mtu, address, header.Flags, master, kind);
    }

    /// <summary>Refuses names the kernel would (dev_valid_name): empty, over 15 bytes, <c>.</c>, <c>..</c>, or with '/', ':' or whitespace.</summary>
    public static void ValidateName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
        if (Encoding.UTF8.GetByteCount(name) > LinkAttributes.MaxNameBytes)
            throw new ArgumentException($"interface name '{name}' is longer than {LinkAttributes.MaxNameBytes} bytes", parameterName);
        if (name is "." or ".." || name.Any(c => c is '/' or ':' or '\0' || char.IsWhiteSpace(c)))
            throw new ArgumentException($"'{name}' is not a valid interface name", parameterName);
    }
}
