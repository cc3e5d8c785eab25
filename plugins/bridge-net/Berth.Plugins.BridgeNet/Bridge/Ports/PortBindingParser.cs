using System.Net;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>
/// Reads the ports to publish from ProgramExternalConnectivity's options: <see cref="EndpointOptions.PortMap"/>, an
/// array of libnetwork PortBindings <c>{"Proto":6,"IP":"","Port":80,"HostIP":"","HostPort":8080,"HostPortEnd":0}</c>
/// (field names matched without regard to case; missing ones are 0 or empty). The daemon has already expanded
/// <c>-P</c> and container port ranges, so each binding is one container port. The container address (IP) is not
/// read: the driver knows the endpoint's. Exposed ports are not needed. The same binding given twice counts once.
/// </summary>
internal static class PortBindingParser
{
    private const int MaxPort = 65535;

    /// <exception cref="BerthException">InvalidParameter for a port map that is not an array of bindings, an unknown protocol, a port out of range or a bad host address.</exception>
    public static IReadOnlyList<PortRequest> Parse(IReadOnlyDictionary<string, JsonElement>? options)
    {
        if (options is null || !options.TryGetValue(EndpointOptions.PortMap, out var map) || map.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return [];
        if (map.ValueKind != JsonValueKind.Array) throw BerthException.Invalid($"bridge: {EndpointOptions.PortMap} must be an array of port bindings");
        var result = new List<PortRequest>();
        foreach (var binding in map.EnumerateArray())
        {
            var request = Parse(binding);
            if (!result.Contains(request)) result.Add(request);
        }
        return result;
    }

    private static PortRequest Parse(JsonElement binding)
    {
        if (binding.ValueKind != JsonValueKind.Object) throw BerthException.Invalid($"bridge: a port binding must be an object, not {binding.GetRawText()}");
        var number = Integer(binding, nameof(PortBinding.Proto));
        var protocol = PortProtocol.FromNumber(number) ?? throw BerthException.Invalid($"bridge: unsupported protocol {number} in a port binding (tcp 6, udp 17 and sctp 132 are)");
        var containerPort = Integer(binding, nameof(PortBinding.Port));
        if (containerPort is < 1 or > MaxPort) throw BerthException.Invalid($"bridge: invalid container port {containerPort}: it must be between 1 and {MaxPort}");
        var hostPort = Integer(binding, nameof(PortBinding.HostPort));
        var hostPortEnd = Integer(binding, nameof(PortBinding.HostPortEnd));
        if (hostPort is < 0 or > MaxPort) throw BerthException.Invalid($"bridge: invalid host port {hostPort}: it must be between 0 and {MaxPort}");
        if (hostPortEnd is < 0 or > MaxPort) throw BerthException.Invalid($"bridge: invalid host port {hostPortEnd}: it must be between 0 and {MaxPort}");
        if (hostPortEnd == 0) hostPortEnd = hostPort;
        if (hostPort == 0 && hostPortEnd != 0) throw BerthException.Invalid($"bridge: invalid host port range 0-{hostPortEnd}");
        if (hostPortEnd < hostPort) throw BerthException.Invalid($"bridge: invalid host port range {hostPort}-{hostPortEnd}: the end is before the start");

        IPAddress? hostIP = null;
        var hostIPText = Text(binding, nameof(PortBinding.HostIP));
        if (hostIPText.Length > 0 && !IPAddress.TryParse(hostIPText, out hostIP)) throw BerthException.Invalid($"bridge: invalid host IP address '{hostIPText}' in a port binding");
        return new PortRequest(protocol, hostIP, hostPort, hostPortEnd, containerPort);
    }

    private static JsonElement? Field(JsonElement binding, string name)
    {
        foreach (var property in binding.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }
        return null;
    }

    private static int Integer(JsonElement binding, string name)
    {
        if (Field(binding, name) is not { } value || value.ValueKind == JsonValueKind.Null) return 0;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        throw BerthException.Invalid($"bridge: {name} of a port binding must be an integer, not {value.GetRawText()}");
    }

    private static string Text(JsonElement binding, string name)
    {
        if (Field(binding, name) is not { } value || value.ValueKind == JsonValueKind.Null) return "";
        if (value.ValueKind == JsonValueKind.String) return value.GetString() ?? "";
        throw BerthException.Invalid($"bridge: {name} of a port binding must be a string, not {value.GetRawText()}");
    }
}
