using System.Text.Json.Nodes;
using Berth.Kernel.Networks;

namespace Berth.Kernel.Api.Networks;

/// <summary>Docker's NetworkResource JSON for <c>docker network ls</c> and <c>inspect</c>.</summary>
public static class NetworkViews
{
    public static JsonObject Network(NetworkRecord network, IReadOnlyList<EndpointRecord> endpoints)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(endpoints);
        var containers = new JsonObject();
        foreach (var endpoint in endpoints)
        {
            containers[endpoint.ContainerId] = new JsonObject
            {
                ["Name"] = endpoint.ContainerName,
                ["EndpointID"] = endpoint.EndpointId,
                ["MacAddress"] = endpoint.MacAddress,
                ["IPv4Address"] = endpoint.IPv4Address,
                ["IPv6Address"] = endpoint.IPv6Address,
            };
        }
        return new JsonObject
        {
            ["Name"] = network.Name,
            ["Id"] = network.Id,
            ["Created"] = Timestamps.Rfc3339(network.Created),
            ["Scope"] = network.Scope,
            ["Driver"] = network.Driver,
            ["EnableIPv4"] = true,
            ["EnableIPv6"] = network.EnableIPv6,
            ["IPAM"] = new JsonObject
            {
                ["Driver"] = network.IpamDriver,
                ["Options"] = network.IpamOptions.Count == 0 ? null : Strings(network.IpamOptions),
                ["Config"] = new JsonArray([.. network.Pools.Select(Pool)]),
            },
            ["Internal"] = network.Internal,
            ["Attachable"] = network.Attachable,
            ["Ingress"] = network.Ingress,
            ["ConfigFrom"] = new JsonObject { ["Network"] = "" },
            ["ConfigOnly"] = false,
            ["Containers"] = containers,
            ["Options"] = Strings(network.Options),
            ["Labels"] = Strings(network.Labels),
        };
    }

    private static JsonNode Pool(IpamPool pool)
    {
        var config = new JsonObject { ["Subnet"] = pool.Subnet };
        if (pool.IPRange is not null) config["IPRange"] = pool.IPRange;
        if (pool.Gateway is not null) config["Gateway"] = pool.Gateway;
        return config;
    }

    private static JsonObject Strings(IReadOnlyDictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal)) json[key] = value;
        return json;
    }
}
