using System.Net;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Networks;

/// <summary>What a container asks of one of its networks (<c>--ip</c>, <c>--network-alias</c>, <c>--mac-address</c>).</summary>
/// <param name="Dns">What the embedded DNS answers for the endpoint; used on user-defined networks only.</param>
public sealed record EndpointRequest(string? IPv4Address, IReadOnlyList<string> Aliases, string? MacAddress, EndpointDns? Dns = null);

/// <summary>The endpoint's names, the sandbox's legacy links (<c>target:alias</c>) and the resolvers to forward other names to.</summary>
public sealed record EndpointDns(IReadOnlyList<string> Names, IReadOnlyList<string> Links, IReadOnlyList<string> Servers);

/// <summary>A container's endpoint once joined: what inspect shows under NetworkSettings.Networks.</summary>
public sealed record AttachedEndpoint(NetworkRecord Network, string EndpointId, IPAddress Address, int PrefixLength, string MacAddress, string? Gateway);

public sealed partial class NetworkService
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoOptions = new Dictionary<string, JsonElement>();

    /// <summary>
    /// Joins a container's sandbox to a network as libnetwork does for a remote driver: an address from IPAM, the
    /// driver's endpoint and join, then the interface moved into the sandbox as <paramref name="interfaceName"/>.
    /// A failure at any step undoes the steps before it.
    /// </summary>
    public async Task<AttachedEndpoint> AttachAsync(string containerId, string containerName, string networkReference, string sandboxPath,
        string interfaceName, bool gatewayEndpoint, EndpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var network = Get(networkReference);
        if (NetworkNames.IsBuiltinDriver(network.Driver))
            throw BerthException.Invalid($"container cannot be connected to network {network.Name} together with other networks");
        var pool = network.Pools.FirstOrDefault(p => !p.V6) ?? throw BerthException.Invalid($"network {network.Name} has no IPv4 pool");
        if (request.IPv4Address is not null && network.Predefined)
            throw BerthException.Invalid("user specified IP address is supported on user defined networks only");
        var ipam = drivers.Ipam(network.IpamDriver);
        var driver = drivers.Network(network.Driver);
        var allocated = await ipam.RequestAddressAsync(new Sdk.Ipam.RequestAddressRequest(pool.PoolId, request.IPv4Address, null), cancellationToken).ConfigureAwait(false);
        var (address, prefix) = ParseCidr(allocated.Address);
        var endpointId = NewId();
        try
        {
            var created = await driver.CreateEndpointAsync(
                new CreateEndpointRequest(network.Id, endpointId, NoOptions, new EndpointInterface(allocated.Address, null, request.MacAddress)), cancellationToken).ConfigureAwait(false);
            var mac = string.IsNullOrEmpty(created?.MacAddress) ? request.MacAddress ?? "" : created.MacAddress;
            try
            {
                var join = await driver.JoinAsync(new JoinRequest(network.Id, endpointId, sandboxPath, JoinOptions(network, request.Dns)), cancellationToken).ConfigureAwait(false);
                try
                {
                    var gateway = gatewayEndpoint && !string.IsNullOrEmpty(join.Gateway) ? IPAddress.Parse(join.Gateway) : null;
                    Sandbox.AddInterface(sandboxPath, join.InterfaceName.SrcName, interfaceName, address, prefix, gateway);
                    Track(network.Id, new EndpointRecord(containerId, containerName, endpointId, mac, allocated.Address, "", request.Aliases));
                    PublishEndpoint(network, "connect", containerId);
                    return new AttachedEndpoint(network, endpointId, address, prefix, mac, join.Gateway);
                }
                catch
                {
                    await IgnoreAsync(() => driver.LeaveAsync(network.Id, endpointId, CancellationToken.None)).ConfigureAwait(false);
                    throw;
                }
            }
            catch
            {
                await IgnoreAsync(() => driver.DeleteEndpointAsync(network.Id, endpointId, CancellationToken.None)).ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            await IgnoreAsync(() => ipam.ReleaseAddressAsync(pool.PoolId, address.ToString(), CancellationToken.None)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes back the endpoint's published ports, leaves and deletes the endpoint and gives its address back; each step is tried even when one before failed.</summary>
    public async Task DetachAsync(string containerId, string networkId, string endpointId, string address)
    {
        Untrack(networkId, containerId);
        NetworkRecord? network;
        lock (gate) network = networks.GetValueOrDefault(networkId);
        if (network is null || NetworkNames.IsBuiltinDriver(network.Driver)) return;
        PublishEndpoint(network, "disconnect", containerId);
        var driver = drivers.Network(network.Driver);
        await IgnoreAsync(() => driver.RevokeExternalConnectivityAsync(network.Id, endpointId, CancellationToken.None)).ConfigureAwait(false);
        await IgnoreAsync(() => driver.LeaveAsync(network.Id, endpointId, CancellationToken.None)).ConfigureAwait(false);
        await IgnoreAsync(() => driver.DeleteEndpointAsync(network.Id, endpointId, CancellationToken.None)).ConfigureAwait(false);
        if (network.Pools.FirstOrDefault(p => !p.V6) is { } pool && address.Length > 0)
            await IgnoreAsync(() => drivers.Ipam(network.IpamDriver).ReleaseAddressAsync(pool.PoolId, address, CancellationToken.None)).ConfigureAwait(false);
    }

    private void PublishEndpoint(NetworkRecord network, string action, string containerId) =>
        events.Publish("network", action, network.Id, new Dictionary<string, string> { ["container"] = containerId, ["name"] = network.Name, ["type"] = network.Driver });

    /// <summary>The embedded DNS's options: on user-defined networks only, as Moby serves 127.0.0.11 there and not on the default bridge.</summary>
    private static IReadOnlyDictionary<string, JsonElement> JoinOptions(NetworkRecord network, EndpointDns? dns)
    {
        if (dns is null || network.Predefined) return NoOptions;
        return new Dictionary<string, JsonElement>
        {
            [EndpointOptions.DnsNames] = JsonSerializer.SerializeToElement(dns.Names),
            [EndpointOptions.DnsLinks] = JsonSerializer.SerializeToElement(dns.Links),
            [EndpointOptions.DnsServers] = JsonSerializer.SerializeToElement(dns.Servers),
        };
    }

    private static (IPAddress Address, int PrefixLength) ParseCidr(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || !int.TryParse(cidr[(slash + 1)..], out var prefix))
            throw new BerthException($"IPAM returned an address that is not in CIDR form: {cidr}");
        return (address, prefix);
    }

    private static async Task IgnoreAsync(Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BerthException or IOException or TimeoutException)
        {
            Serilog.Log.Warning("network clean-up step failed: {Message}", ex.Message);
        }
    }
}
