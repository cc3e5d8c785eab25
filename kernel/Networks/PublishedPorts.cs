using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Networks;

/// <summary>
/// A container's ports as the network driver sees them: HostConfig.PortBindings, PublishAllPorts and
/// Config.ExposedPorts turned into libnetwork's port bindings, and the driver's answer turned back into
/// NetworkSettings.Ports and the port list of <c>docker ps</c>.
/// </summary>
public static class PublishedPorts
{
    private static readonly Dictionary<string, int> ProtocolNumbers = new(StringComparer.Ordinal) { ["tcp"] = 6, ["udp"] = 17, ["sctp"] = 132 };

    /// <summary>The bindings to program: one per container port and host binding; -P adds an ephemeral one per exposed port without a binding.</summary>
    /// <exception cref="BerthException">Invalid parameter for a port, protocol, host port or host address that is not one.</exception>
    public static IReadOnlyList<PortBinding> Requested(JsonObject config, JsonObject hostConfig)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(hostConfig);
        var result = new List<PortBinding>();
        var bound = new HashSet<(int, int)>();
        foreach (var (key, value) in hostConfig["PortBindings"] as JsonObject ?? [])
        {
            var (port, proto) = ParseKey(key);
            bound.Add((port, proto));
            var entries = value as JsonArray;
            if (entries is null || entries.Count == 0)
            {
                result.Add(new PortBinding(proto, "", port, "", 0, 0));
                continue;
            }
            foreach (var entry in entries)
            {
                var hostIp = entry?["HostIp"]?.GetValue<string>() ?? "";
                if (hostIp.Length > 0 && !IPAddress.TryParse(hostIp, out _)) throw BerthException.Invalid($"invalid IP address: {hostIp}");
                var (first, last) = ParseHostPorts(entry?["HostPort"]?.GetValue<string>() ?? "");
                result.Add(new PortBinding(proto, "", port, hostIp, first, last));
            }
        }
        if (hostConfig["PublishAllPorts"]?.GetValue<bool>() ?? false)
        {
            foreach (var key in Exposed(config))
            {
                var (port, proto) = ParseKey(key);
                if (bound.Add((port, proto))) result.Add(new PortBinding(proto, "", port, "", 0, 0));
            }
        }
        return result;
    }

    /// <summary>Config.ExposedPorts plus the ports of HostConfig.PortBindings, as libnetwork's exposed ports.</summary>
    public static IReadOnlyList<ExposedPort> ExposedPorts(JsonObject config, JsonObject hostConfig)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(hostConfig);
        return [.. Exposed(config).Concat((hostConfig["PortBindings"] as JsonObject ?? []).Select(p => p.Key))
            .Select(ParseKey).Distinct().Select(p => new ExposedPort(p.Proto, p.Port))];
    }

    /// <summary>Checks the port keys and host ports at create, so a bad one is refused before anything is made.</summary>
    public static void Validate(JsonObject config, JsonObject hostConfig)
    {
        _ = Requested(config, hostConfig);
        _ = ExposedPorts(config, hostConfig);
    }

    /// <summary>NetworkSettings.Ports: every exposed port, with the host bindings the driver made (null when none).</summary>
    public static JsonObject Settings(IEnumerable<ExposedPort> exposed, IEnumerable<PortBinding> published)
    {
        ArgumentNullException.ThrowIfNull(exposed);
        ArgumentNullException.ThrowIfNull(published);
        var result = new JsonObject();
        foreach (var port in exposed) result[Key(port.Port, port.Proto)] = null;
        foreach (var binding in published)
        {
            var key = Key(binding.Port, binding.Proto);
            if (result[key] is not JsonArray list) result[key] = list = [];
            list.Add(new JsonObject
            {
                ["HostIp"] = binding.HostIP.Length == 0 ? "0.0.0.0" : binding.HostIP,
                ["HostPort"] = binding.HostPort.ToString(CultureInfo.InvariantCulture),
            });
        }
        return result;
    }

    /// <summary>The Ports of a <c>docker ps</c> entry, from NetworkSettings.Ports.</summary>
    public static JsonArray Summary(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var result = new JsonArray();
        foreach (var (key, value) in settings)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var port = int.Parse(key[..slash], CultureInfo.InvariantCulture);
            var type = key[(slash + 1)..];
            if (value is not JsonArray { Count: > 0 } bindings)
            {
                result.Add(new JsonObject { ["PrivatePort"] = port, ["Type"] = type });
                continue;
            }
            foreach (var binding in bindings)
            {
                result.Add(new JsonObject
                {
                    ["IP"] = binding?["HostIp"]?.GetValue<string>() ?? "",
                    ["PrivatePort"] = port,
                    ["PublicPort"] = int.TryParse(binding?["HostPort"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var host) ? host : 0,
                    ["Type"] = type,
                });
            }
        }
        return result;
    }

    private static IEnumerable<string> Exposed(JsonObject config) => (config["ExposedPorts"] as JsonObject ?? []).Select(p => p.Key);

    private static (int Port, int Proto) ParseKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? key : key[..slash];
        var protocol = slash < 0 ? "tcp" : key[(slash + 1)..].ToLowerInvariant();
        if (!TryPort(number, out var port) || port == 0) throw BerthException.Invalid($"invalid port specification: \"{key}\"");
        if (!ProtocolNumbers.TryGetValue(protocol, out var proto)) throw BerthException.Invalid($"invalid proto: {protocol}");
        return (port, proto);
    }

    private static (int First, int Last) ParseHostPorts(string text)
    {
        if (text.Length == 0) return (0, 0);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? text : text[..dash];
        var last = dash < 0 ? text : text[(dash + 1)..];
        if (!TryPort(first, out var start) || !TryPort(last, out var end) || end < start)
            throw BerthException.Invalid($"invalid port specification: \"{text}\"");
        return (start, end == start ? 0 : end);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= ushort.MaxValue;

    private static string Key(int port, int proto) =>
        $"{port.ToString(CultureInfo.InvariantCulture)}/{ProtocolNumbers.FirstOrDefault(p => p.Value == proto).Key ?? proto.ToString(CultureInfo.InvariantCulture)}";
}
