using System.Text.Json.Nodes;
using Berth.Kernel.InitLayer;
using Berth.Kernel.Links;
using Berth.Kernel.Networks;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>The container's NetworkSettings.Networks at create: its network mode's network plus any others asked for.</summary>
    private JsonObject InitialNetworks(JsonObject config, JsonObject host, JsonObject? networkingConfig)
    {
        PublishedPorts.Validate(config, host);
        var mode = host["NetworkMode"]?.GetValue<string>() is { Length: > 0 } named ? named : "default";
        // With the default bridge disabled (--bridge=none) a container that names no network gets none, as in Moby.
        if (mode == "default")
            mode = networks.Find(NetworkNames.Bridge) is null ? NetworkNames.None : NetworkNames.Bridge;
        if (mode.StartsWith("container:", StringComparison.Ordinal))
        {
            if (PublishedPorts.Requested(config, host).Count > 0)
                throw BerthException.Invalid("conflicting options: port publishing and the container type network mode");
            return [];
        }
        // The CLI calls the daemon's default network "default"; its endpoint settings (--ip, --network-alias…) may come under that name.
        static string Normalize(string name) => name == "default" ? NetworkNames.Bridge : name;
        var requested = (networkingConfig?["EndpointsConfig"] as JsonObject ?? [])
            .GroupBy(p => Normalize(p.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Value as JsonObject).FirstOrDefault(v => v is not null), StringComparer.Ordinal);
        var result = new JsonObject();
        foreach (var name in new[] { Normalize(mode) }.Concat(requested.Keys).Distinct(StringComparer.Ordinal))
        {
            var network = networks.Find(name) ?? throw BerthException.NotFound($"network {name} not found");
            if (result.ContainsKey(network.Name)) continue;
            if (result.Count > 0 && NetworkNames.IsBuiltinDriver(network.Driver))
                throw BerthException.Invalid($"container cannot be connected to network {network.Name} together with other networks");
            var settings = requested.GetValueOrDefault(name);
            if (network.Predefined && !string.IsNullOrEmpty(settings?["IPAMConfig"]?["IPv4Address"]?.GetValue<string>()))
                throw BerthException.Invalid("user specified IP address is supported on user defined networks only");
            result[network.Name] = EndpointSettings(settings);
        }
        return result;
    }

    private static JsonObject EndpointSettings(JsonObject? requested) => new()
    {
        ["IPAMConfig"] = requested?["IPAMConfig"]?.DeepClone(),
        ["Links"] = requested?["Links"]?.DeepClone(),
        ["Aliases"] = requested?["Aliases"]?.DeepClone(),
        ["MacAddress"] = requested?["MacAddress"]?.GetValue<string>() ?? "",
        ["DriverOpts"] = requested?["DriverOpts"]?.DeepClone(),
        ["NetworkID"] = "",
        ["EndpointID"] = "",
        ["Gateway"] = "",
        ["IPAddress"] = "",
        ["IPPrefixLen"] = 0,
        ["IPv6Gateway"] = "",
        ["GlobalIPv6Address"] = "",
        ["GlobalIPv6PrefixLen"] = 0,
        ["DNSNames"] = null,
    };

    /// <summary>Whether the container gets its own sandbox joined to networks (not host, none or another container's).</summary>
    private static bool UsesSandbox(Container container)
    {
        var mode = container.NetworkMode;
        return mode is not (NetworkNames.Host or NetworkNames.None) && !mode.StartsWith("container:", StringComparison.Ordinal);
    }

    private string SandboxPathOf(Container container) => Sandbox.PathOf(daemonConfig.Current.ExecRoot, container.Id);

    /// <summary>
    /// Creates the sandbox and joins each of the container's networks; the first gives the default route and publishes
    /// the container's ports.
    /// </summary>
    /// <returns>The sandbox's namespace path, or null when the container has none of its own.</returns>
    private async Task<string?> ConnectNetworksAsync(Container container, CancellationToken cancellationToken)
    {
        if (!UsesSandbox(container)) return null;
        var path = SandboxPathOf(container);
        Sandbox.Create(path);
        try
        {
            var servers = await DnsServersAsync(container, cancellationToken).ConfigureAwait(false);
            var index = 0;
            foreach (var (name, node) in container.Networks.ToList())
            {
                if (node is not JsonObject settings) container.Networks[name] = settings = EndpointSettings(null);
                await JoinAsync(container, name, settings, path, $"eth{index}", index == 0, servers, cancellationToken).ConfigureAwait(false);
                index++;
            }
            await PublishPortsAsync(container, cancellationToken).ConfigureAwait(false);
            return path;
        }
        catch
        {
            await DisconnectNetworksAsync(container).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Joins the sandbox to one network as <paramref name="interfaceName"/> and fills the endpoint settings.</summary>
    private async Task JoinAsync(Container container, string network, JsonObject settings, string sandbox, string interfaceName, bool gateway,
        IReadOnlyList<string> servers, CancellationToken cancellationToken)
    {
        var aliases = settings["Aliases"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0).ToList() : [];
        var names = new[] { container.Name.TrimStart('/'), container.ShortId }.Concat(aliases).Distinct(StringComparer.Ordinal).ToList();
        var dns = new EndpointDns(names, DnsLinks(container, settings), servers);
        var request = new EndpointRequest(NonEmpty(settings["IPAMConfig"]?["IPv4Address"]?.GetValue<string>()), aliases, NonEmpty(settings["MacAddress"]?.GetValue<string>()), dns);
        var attached = await networks.AttachAsync(container.Id, container.Name.TrimStart('/'), network, sandbox, interfaceName, gateway, request, cancellationToken).ConfigureAwait(false);
        settings["NetworkID"] = attached.Network.Id;
        settings["EndpointID"] = attached.EndpointId;
        settings["Gateway"] = attached.Gateway ?? "";
        settings["IPAddress"] = attached.Address.ToString();
        settings["IPPrefixLen"] = attached.PrefixLength;
        settings["MacAddress"] = attached.MacAddress;
        settings["DNSNames"] = attached.Network.Predefined ? null : new JsonArray([.. names.Select(n => (JsonNode?)n)]);
    }

    /// <summary>Publishes -p/-P ports on the gateway endpoint (the first network) and records them in NetworkSettings.Ports.</summary>
    private async Task PublishPortsAsync(Container container, CancellationToken cancellationToken)
    {
        var exposed = PublishedPorts.ExposedPorts(container.Config, container.HostConfig);
        IReadOnlyList<Sdk.Network.PortBinding> published = [];
        if (container.Networks.FirstOrDefault().Value is JsonObject gateway && NonEmpty(gateway["EndpointID"]?.GetValue<string>()) is { } endpointId)
        {
            published = await networks.PublishAsync(gateway["NetworkID"]!.GetValue<string>(), endpointId, container.Name.TrimStart('/'),
                PublishedPorts.Requested(container.Config, container.HostConfig), exposed, cancellationToken).ConfigureAwait(false);
        }
        container.Ports = PublishedPorts.Settings(exposed, published);
    }

    /// <summary>Legacy links the embedded DNS answers for this container only, as <c>target:alias</c>.</summary>
    private static List<string> DnsLinks(Container container, JsonObject settings) =>
        [.. JsonRead.Strings(container.HostConfig, "Links").Concat(JsonRead.Strings(settings, "Links"))
            .Select(LinkSpec.Parse).Select(l => $"{l.Name}:{l.Alias}").Distinct(StringComparer.Ordinal)];

    /// <summary>The resolvers the embedded DNS forwards to: the nameservers resolv.conf would list without it.</summary>
    private async Task<IReadOnlyList<string>> DnsServersAsync(Container container, CancellationToken cancellationToken)
    {
        if (!OnUserDefinedNetwork(container)) return [];
        var (_, external) = await ResolvConfBuilder.BuildAsync(ResolvConfOptionsOf(container), cancellationToken).ConfigureAwait(false);
        return [.. external.Select(s => s.Address)];
    }

    /// <summary>Whether one of the container's networks is user-defined: then its resolver is the embedded DNS.</summary>
    private bool OnUserDefinedNetwork(Container container) =>
        UsesSandbox(container) && container.Networks.Any(p => networks.Find(p.Key) is { Predefined: false });

    /// <summary>Leaves every network (ports taken back, endpoints deleted, addresses released) and removes the sandbox.</summary>
    private async Task DisconnectNetworksAsync(Container container)
    {
        if (!UsesSandbox(container)) return;
        container.Ports = [];
        foreach (var (_, node) in container.Networks.ToList())
        {
            if (node is not JsonObject settings || NonEmpty(settings["EndpointID"]?.GetValue<string>()) is not { } endpointId) continue;
            await networks.DetachAsync(container.Id, settings["NetworkID"]?.GetValue<string>() ?? "", endpointId, settings["IPAddress"]?.GetValue<string>() ?? "").ConfigureAwait(false);
            ClearEndpoint(settings);
        }
        try
        {
            Sandbox.Delete(SandboxPathOf(container));
        }
        catch (IOException ex)
        {
            Serilog.Log.Warning("removing the network namespace of {Id}: {Message}", container.Id, ex.Message);
        }
    }

    private static void ClearEndpoint(JsonObject settings)
    {
        settings["EndpointID"] = "";
        settings["Gateway"] = "";
        settings["IPAddress"] = "";
        settings["IPPrefixLen"] = 0;
        settings["DNSNames"] = null;
    }

    /// <summary>After a daemon restart with live-restore: the adopted container's endpoints count again.</summary>
    private void TrackEndpoints(Container container)
    {
        foreach (var (_, node) in container.Networks)
        {
            if (node is not JsonObject settings || NonEmpty(settings["EndpointID"]?.GetValue<string>()) is not { } endpointId) continue;
            var aliases = settings["Aliases"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToList() : [];
            networks.Track(settings["NetworkID"]?.GetValue<string>() ?? "", new EndpointRecord(container.Id, container.Name.TrimStart('/'), endpointId,
                settings["MacAddress"]?.GetValue<string>() ?? "", $"{settings["IPAddress"]?.GetValue<string>()}/{settings["IPPrefixLen"]?.GetValue<int>()}", "", aliases));
        }
    }

    /// <summary>The container's addresses on its networks, for /etc/hosts.</summary>
    private static IReadOnlyList<string> AddressesOf(Container container) =>
        [.. container.Networks.Select(p => (p.Value as JsonObject)?["IPAddress"]?.GetValue<string>() ?? "").Where(a => a.Length > 0)];

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
