using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>Reads the embedded-DNS options of a Join (<see cref="EndpointOptions.DnsNames"/>, <c>…Links</c>, <c>…Servers</c>).</summary>
internal static class DnsJoinOptions
{
    /// <summary>The registration the Join asks for; null when it carries no <see cref="EndpointOptions.DnsNames"/> (no embedded DNS on this network).</summary>
    /// <exception cref="BerthException">An option is not an array of strings.</exception>
    public static DnsRegistration? Parse(JoinRequest request, string? address, string? addressIPv6)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options ?? new Dictionary<string, JsonElement>();
        if (!options.TryGetValue(EndpointOptions.DnsNames, out var names) || names.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        return new DnsRegistration(
            request.EndpointId,
            request.NetworkId,
            request.SandboxKey,
            WithoutPrefix(address),
            WithoutPrefix(addressIPv6),
            Strings(names, EndpointOptions.DnsNames),
            Strings(options.GetValueOrDefault(EndpointOptions.DnsLinks), EndpointOptions.DnsLinks),
            Strings(options.GetValueOrDefault(EndpointOptions.DnsServers), EndpointOptions.DnsServers));
    }

    private static List<string> Strings(JsonElement value, string option)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array) throw BerthException.Invalid($"bridge: option {option} must be an array of strings");
        var strings = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw BerthException.Invalid($"bridge: option {option} must be an array of strings");
            if (item.GetString() is { Length: > 0 } text) strings.Add(text);
        }
        return strings;
    }

    private static string? WithoutPrefix(string? cidr) => Cidr.TryParse(cidr, out var parsed) ? parsed.Address.ToString() : null;
}
