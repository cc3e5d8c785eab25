using Berth.Sdk;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Turns IPv4 forwarding on for networks that reach outside. Like Moby, when the driver is the one that turns it on,
/// it also makes DROP the FORWARD chain's policy, so the host does not start routing for everyone else too (the
/// driver's own rules accept its networks' traffic).
/// </summary>
internal sealed class IpForwarding(ISysctl sysctl, Firewall firewall)
{
    public const string IPv4 = "net.ipv4.ip_forward";

    public async Task EnableAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (sysctl.Read(IPv4) == "1") return;
            sysctl.Write(IPv4, "1");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BerthException(BerthErrorKind.System, $"bridge: could not enable IPv4 forwarding ({IPv4}): {ex.Message}", ex);
        }
        await firewall.DropForwardedByDefaultAsync(cancellationToken).ConfigureAwait(false);
    }
}
