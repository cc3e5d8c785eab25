using Berth.Sdk;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>An endpoint's veth pair through rtnetlink: the host end on the bridge and up, the container end with its MAC.</summary>
internal static class EndpointLinks
{
    public const string VethKind = "veth";
    private const int EEXIST = 17;
    private const int Attempts = 4;

    /// <summary>
    /// Creates a veth pair with the network's MTU, the host end enslaved to the bridge and up, the container end
    /// (left down, for the daemon to move) with <paramref name="mac"/>. Random names are drawn again when taken.
    /// Nothing is left behind when a step fails.
    /// </summary>
    /// <returns>The names of the host end and the container end.</returns>
    public static (string HostEnd, string ContainerEnd) Create(RtNetlink netlink, BridgeNetwork network, byte[] mac)
    {
        var bridge = netlink.GetIndex(network.BridgeName)
            ?? throw new BerthException(BerthErrorKind.System, $"bridge: the bridge {network.BridgeName} of network {network.Id} is missing");
        for (var attempt = 1; ; attempt++)
        {
            var hostEnd = InterfaceNames.NewHostEnd();
            var containerEnd = InterfaceNames.NewContainerEnd();
            try
            {
                netlink.CreateVethPair(hostEnd, containerEnd, network.Mtu, bridge);
            }
            catch (NetlinkException ex) when (ex.Errno == EEXIST && attempt < Attempts)
            {
                continue;
            }
            try
            {
                netlink.SetMacAddress(IndexOf(netlink, containerEnd), mac);
                netlink.SetUp(IndexOf(netlink, hostEnd));
            }
            catch
            {
                TryDeleteHostEnd(netlink, hostEnd);
                throw;
            }
            return (hostEnd, containerEnd);
        }
    }

    /// <summary>Deletes the veth pair by its host end, when that is still there (its peer goes with it).</summary>
    /// <returns>True when there was a pair to delete.</returns>
    public static bool DeleteHostEnd(RtNetlink netlink, string hostEnd)
    {
        if (netlink.GetLink(hostEnd) is not { Kind: VethKind } link) return false;
        netlink.DeleteLink(link.Index);
        return true;
    }

    /// <summary>Like <see cref="DeleteHostEnd"/>, swallowing netlink failures (for cleanup after another failure).</summary>
    public static void TryDeleteHostEnd(RtNetlink netlink, string hostEnd)
    {
        try
        {
            DeleteHostEnd(netlink, hostEnd);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            // Best effort: the caller reports the first failure.
        }
    }

    private static int IndexOf(RtNetlink netlink, string name) =>
        netlink.GetIndex(name) ?? throw new BerthException(BerthErrorKind.System, $"bridge: the new interface {name} vanished");
}
