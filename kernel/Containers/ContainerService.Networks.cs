using System.Text.Json.Nodes;
using Berth.Kernel.Networks;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>The container's NetworkSettings.Networks at create: its network mode's network plus any others asked for.</summary>
    private JsonObject InitialNetworks(JsonObject host, JsonObject? networkingConfig)
    {
        if (host["PortBindings"] is JsonObject { Count: > 0 } || (host["PublishAllPorts"]?.GetValue<bool>() ?? false))
            throw BerthException.NotImplemented("publishing ports (-p, -P) is not supported by this version of Berth yet");
        var mode = host["NetworkMode"]?.GetValue<string>() ?? NetworkNames.Bridge;
        if (mode.StartsWith("container:", StringComparison.Ordinal)) return [];
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

    /// <summary>Creates the sandbox and joins each of the container's networks; the first gives the default route.</summary>
    /// <returns>The sandbox's namespace path, or null when the container has none of its own.</returns>
    private async Task<string?> ConnectNetworksAsync(Container container, CancellationToken cancellationToken)
    {
        if (!UsesSandbox(container)) return null;
        var path = SandboxPathOf(container);
        Sandbox.Create(path);
        try
        {
            var index = 0;
            foreach (var (name, node) in container.Networks.ToList())
            {
                if (node is not JsonObject settings) container.Networks[name] = settings = EndpointSettings(null);
                var aliases = settings["Aliases"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0).ToList() : [];
                var request = new EndpointRequest(NonEmpty(settings["IPAMConfig"]?["IPv4Address"]?.GetValue<string>()), aliases, NonEmpty(settings["MacAddress"]?.GetValue<string>()));
                var attached = await networks.AttachAsync(container.Id, container.Name.TrimStart('/'), name, path, $"eth{index}", index == 0, request, cancellationToken).ConfigureAwait(false);
                index++;
                settings["NetworkID"] = attached.Network.Id;
                settings["EndpointID"] = attached.EndpointId;
                settings["Gateway"] = attached.Gateway ?? "";
                settings["IPAddress"] = attached.Address.ToString();
                settings["IPPrefixLen"] = attached.PrefixLength;
                settings["MacAddress"] = attached.MacAddress;
                settings["DNSNames"] = attached.Network.Predefined
                    ? null
                    : new JsonArray([.. new[] { container.Name.TrimStart('/'), container.ShortId }.Concat(aliases).Distinct().Select(n => (JsonNode?)n)]);
            }
            return path;
        }
        catch
        {
            await DisconnectNetworksAsync(container).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Leaves every network (endpoints deleted, addresses released) and removes the sandbox.</summary>
    private async Task DisconnectNetworksAsync(Container container)
    {
        if (!UsesSandbox(container)) return;
        foreach (var (_, node) in container.Networks.ToList())
        {
            if (node is not JsonObject settings || NonEmpty(settings["EndpointID"]?.GetValue<string>()) is not { } endpointId) continue;
            await networks.DetachAsync(container.Id, settings["NetworkID"]?.GetValue<string>() ?? "", endpointId, settings["IPAddress"]?.GetValue<string>() ?? "").ConfigureAwait(false);
            settings["EndpointID"] = "";
            settings["Gateway"] = "";
            settings["IPAddress"] = "";
            settings["IPPrefixLen"] = 0;
            settings["DNSNames"] = null;
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
