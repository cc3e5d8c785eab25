using Berth.Kernel.Config;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Networks;

public sealed partial class NetworkService
{
    /// <summary>The default bridge's Linux bridge when the daemon config does not name one (Moby's is docker0).</summary>
    public const string DefaultBridgeName = "berth0";

    /// <summary>
    /// Makes sure host and none exist and, unless <c>--bridge=none</c>, the default bridge network (bridge
    /// <see cref="DefaultBridgeName"/> or <c>--bridge</c>, subnet <c>--bip</c> or the first free default pool). A
    /// bridge network that already exists is announced to its driver again, which recreates what a reboot lost.
    /// </summary>
    public async Task EnsurePredefinedAsync(DaemonConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, driver) in new[] { (NetworkNames.Host, NetworkNames.HostDriver), (NetworkNames.None, NetworkNames.NullDriver) })
        {
            if (FindByName(name) is not null) continue;
            await SaveNewAsync(new NetworkRecord { Id = NewId(), Name = name, Driver = driver, Created = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        }
        if (config.Bridge == "none" || FindByName(NetworkNames.Bridge) is not null) return;
        try
        {
            var request = DefaultBridgeRequest(config);
            var record = await BuildAsync(NewId(), NetworkNames.Bridge, request, cancellationToken).ConfigureAwait(false);
            await SaveNewAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException ex)
        {
            Serilog.Log.Warning("the default bridge network could not be created: {Message}", ex.Message);
        }
    }

    /// <summary>After a network plugin (re)started: it is told again about every network it drives (idempotent there).</summary>
    public async Task ReplayNetworksAsync(string pluginId, CancellationToken cancellationToken)
    {
        foreach (var network in List().Where(n => !NetworkNames.IsBuiltinDriver(n.Driver)))
        {
            try
            {
                if (drivers.PluginIdOf(Sdk.Protocol.Protocols.NetworkDriver, network.Driver) != pluginId) continue;
                var request = new NetworkCreateRequest { Name = network.Name, EnableIPv6 = network.EnableIPv6, Internal = network.Internal, Options = network.Options };
                await drivers.Network(network.Driver).CreateNetworkAsync(
                    new CreateNetworkRequest(network.Id, DriverOptions(request), [.. network.Pools.Where(p => !p.V6).Select(IpamData)], [.. network.Pools.Where(p => p.V6).Select(IpamData)]),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("network {Name} could not be restored in its driver: {Message}", network.Name, ex.Message);
            }
        }
    }

    private static NetworkCreateRequest DefaultBridgeRequest(DaemonConfig config) => new()
    {
        Name = NetworkNames.Bridge,
        Driver = NetworkNames.Bridge,
        IpamConfig = string.IsNullOrEmpty(config.Bip) ? [] : [BipConfig(config.Bip)],
        Options = new Dictionary<string, string>
        {
            ["com.docker.network.bridge.default_bridge"] = "true",
            ["com.docker.network.bridge.enable_icc"] = "true",
            ["com.docker.network.bridge.enable_ip_masquerade"] = "true",
            ["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0",
            ["com.docker.network.bridge.name"] = string.IsNullOrEmpty(config.Bridge) ? DefaultBridgeName : config.Bridge,
            ["com.docker.network.driver.mtu"] = "1500",
        },
    };

    /// <summary><c>--bip 192.168.1.5/24</c>: the bridge's address is the gateway, the subnet is its network.</summary>
    private static IpamConfigRequest BipConfig(string bip)
    {
        var address = System.Net.IPAddress.Parse(bip.Split('/')[0]);
        var prefix = int.Parse(bip.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IpamConfigRequest($"{new System.Net.IPAddress(bytes)}/{prefix}", null, address.ToString());
    }
}
