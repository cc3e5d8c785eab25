namespace Berth.Sdk.Networking.Netlink;

public sealed partial class RtNetlink
{
    private const byte AddressFamilyBridge = 7;     // AF_BRIDGE
    private const ushort ProtocolInfo = 12;         // IFLA_PROTINFO
    private const ushort NestedFlag = 0x8000;       // NLA_F_NESTED
    private const ushort BridgePortMode = 4;        // IFLA_BRPORT_MODE: hairpin

    /// <summary>
    /// Turns hairpin mode of bridge port <paramref name="index"/> on or off (<c>bridge link set dev … hairpin on</c>):
    /// the bridge may then send a frame back out of the port it came in on, which a container needs to reach itself
    /// through an address the host translates back to it.
    /// </summary>
    /// <exception cref="NetlinkException">The link is not a bridge port (EOPNOTSUPP / EINVAL), or is gone (ENODEV).</exception>
    public void SetHairpin(int index, bool on)
    {
        var request = new NetlinkMessageBuilder(RtnetlinkTypes.SetLink, NetlinkProtocol.Request | NetlinkProtocol.Ack)
            .Add(new IfInfoMessage(AddressFamilyBridge, 0, ValidateIndex(index, nameof(index)), 0, 0));
        var protocolInfo = request.BeginNested(ProtocolInfo | NestedFlag);
        request.AddAttribute(BridgePortMode, [on ? (byte)1 : (byte)0]);
        request.EndNested(protocolInfo);
        Execute(request, Subject(index) + $" hairpin {(on ? "on" : "off")}");
    }
}
