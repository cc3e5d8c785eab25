using System.Net;
using System.Text.Json.Nodes;
using Berth.Kernel.InitLayer;
using Berth.Kernel.Networks;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// <c>docker network connect</c>: a running container joins the network at once (next free <c>eth</c>N, no default
    /// route); a stopped one joins it at its next start. Moby's refusals for host, none and shared namespaces.
    /// </summary>
    public async Task ConnectAsync(string networkReference, string containerReference, JsonObject? endpointConfig, CancellationToken cancellationToken)
    {
        var container = store.Get(containerReference);
        await networks.WhenReadyAsync(cancellationToken).ConfigureAwait(false);
        var network = networks.Get(networkReference);
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RefuseConnect(container, network, endpointConfig);
            var settings = EndpointSettings(endpointConfig);
            container.Networks[network.Name] = settings;
            if (container.State.Running)
            {
                try
                {
                    var sandbox = SandboxPathOf(container);
                    var servers = await DnsServersAsync(container, cancellationToken).ConfigureAwait(false);
                    await JoinAsync(container, network.Name, settings, sandbox, Sandbox.NextInterfaceName(sandbox), gateway: false, servers, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    container.Networks.Remove(network.Name);
                    throw;
                }
            }
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
            // As Moby's sandbox starts its resolver at the first user-defined network: resolv.conf now names 127.0.0.11 (unless the user edited it).
            if (container.State.Running && !network.Predefined)
                await new EtcFiles(store.DirectoryOf(container.Id)).WriteResolvConfAsync(ResolvConfOptionsOf(container), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            container.Gate.Release();
        }
    }

    /// <summary><c>docker network disconnect</c>: a running container leaves the network at once; either way it is no longer one of its networks.</summary>
    public async Task DisconnectAsync(string networkReference, string containerReference, bool force, CancellationToken cancellationToken)
    {
        var container = store.Get(containerReference);
        await networks.WhenReadyAsync(cancellationToken).ConfigureAwait(false);
        var network = networks.Get(networkReference);
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (network.Name == NetworkNames.Host || container.NetworkMode == NetworkNames.Host)
                throw BerthException.Invalid("container cannot be disconnected from host network or connected to host network");
            if (container.Networks[network.Name] is not JsonObject settings)
            {
                if (force) return;
                throw new BerthException($"container {container.Id} is not connected to network {network.Name}");
            }
            var wasGateway = container.Networks.First().Key == network.Name;
            if (NonEmpty(settings["EndpointID"]?.GetValue<string>()) is { } endpointId)
                await networks.DetachAsync(container.Id, network.Id, endpointId, settings["IPAddress"]?.GetValue<string>() ?? "").ConfigureAwait(false);
            container.Networks.Remove(network.Name);
            if (wasGateway && container.State.Running) RouteThroughNextNetwork(container);
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            container.Gate.Release();
        }
    }

    /// <summary>As Moby's sandbox when its gateway endpoint leaves: the next network with a gateway gives the default route.</summary>
    private void RouteThroughNextNetwork(Container container)
    {
        if (container.Networks.FirstOrDefault().Value is not JsonObject next
            || !IPAddress.TryParse(next["IPAddress"]?.GetValue<string>(), out var address)
            || !IPAddress.TryParse(next["Gateway"]?.GetValue<string>(), out var gateway))
            return;
        try
        {
            Sandbox.SetDefaultRoute(SandboxPathOf(container), address, gateway);
        }
        catch (IOException ex)
        {
            Serilog.Log.Warning("container {Id}: no default route through {Gateway}: {Message}", container.Id, gateway, ex.Message);
        }
    }

    private static void RefuseConnect(Container container, NetworkRecord network, JsonObject? endpointConfig)
    {
        var mode = container.NetworkMode;
        if (mode == NetworkNames.Host || network.Name == NetworkNames.Host)
            throw BerthException.Invalid("container cannot be disconnected from host network or connected to host network");
        if (mode.StartsWith("container:", StringComparison.Ordinal))
            throw BerthException.Invalid("container sharing network namespace with another container or host cannot be connected to any other network");
        if (mode == NetworkNames.None || network.Name == NetworkNames.None)
            throw BerthException.Invalid("container cannot be connected to multiple networks with one of the networks in private (none) mode");
        if (container.Networks.ContainsKey(network.Name))
            throw BerthException.Forbidden($"endpoint with name {container.Name.TrimStart('/')} already exists in network {network.Name}");
        if (network.Predefined && !string.IsNullOrEmpty(endpointConfig?["IPAMConfig"]?["IPv4Address"]?.GetValue<string>()))
            throw BerthException.Invalid("user specified IP address is supported on user defined networks only");
    }
}
