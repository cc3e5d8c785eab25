using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Reads a CreateNetwork request the way Moby's bridge driver reads its options: driver options (<c>-o</c>) under
/// <c>com.docker.network.generic</c>, <c>com.docker.network.internal</c> and <c>com.docker.network.enable_ipv6</c>
/// at the top, one IPv4 pool and at most one IPv6 pool. Unknown driver options are accepted and ignored.
/// </summary>
internal static class NetworkOptions
{
    public const string Generic = "com.docker.network.generic";
    public const string InternalOption = "com.docker.network.internal";
    public const string EnableIPv6Option = "com.docker.network.enable_ipv6";
    public const string BridgeName = "com.docker.network.bridge.name";
    public const string Mtu = "com.docker.network.driver.mtu";
    public const string EnableIcc = "com.docker.network.bridge.enable_icc";
    public const string EnableIPMasquerade = "com.docker.network.bridge.enable_ip_masquerade";
    public const string DefaultBridge = "com.docker.network.bridge.default_bridge";
    public const string HostBindingIPv4 = "com.docker.network.bridge.host_binding_ipv4";
    public const string ContainerInterfacePrefix = "com.docker.network.container_iface_prefix";

    public const int DefaultMtu = 1500;
    public const string DefaultInterfacePrefix = "eth";
    private const int MinimumMtu = 68;
    private const int MaximumMtu = 65535;
    private const int MaximumInterfaceName = 15;

    /// <summary>The network the request asks for; <see cref="BridgeNetwork.CreatedBridge"/> is false.</summary>
    /// <exception cref="BerthException">InvalidParameter for an option or pool the driver cannot use.</exception>
    public static BridgeNetwork Parse(CreateNetworkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.NetworkId)) throw BerthException.Invalid("bridge: the network id is empty");
        var options = request.Options ?? new Dictionary<string, JsonElement>();
        var generic = GenericOptions(options);

        var bridgeName = generic.GetValueOrDefault(BridgeName);
        if (string.IsNullOrEmpty(bridgeName)) bridgeName = "br-" + request.NetworkId[..Math.Min(12, request.NetworkId.Length)];
        ValidateInterfaceName(bridgeName);

        var mtu = DefaultMtu;
        if (generic.GetValueOrDefault(Mtu) is { Length: > 0 } mtuText
            && (!int.TryParse(mtuText, NumberStyles.None, CultureInfo.InvariantCulture, out mtu) || mtu is < MinimumMtu or > MaximumMtu))
        {
            throw BerthException.Invalid($"invalid MTU number: {mtuText} (it must be between {MinimumMtu} and {MaximumMtu})");
        }

        var prefix = generic.GetValueOrDefault(ContainerInterfacePrefix);
        if (string.IsNullOrEmpty(prefix)) prefix = DefaultInterfacePrefix;
        else ValidateInterfaceName(prefix);

        var enableIPv6 = TopLevelBool(options, EnableIPv6Option);
        var (subnet, gateway) = Pool(request.IPv4Data, AddressFamily.InterNetwork, "IPv4");
        var (subnetV6, gatewayV6) = enableIPv6 ? Pool(request.IPv6Data, AddressFamily.InterNetworkV6, "IPv6") : (null, null);

        return new BridgeNetwork(
            Id: request.NetworkId,
            BridgeName: bridgeName,
            Subnet: subnet,
            Gateway: gateway,
            SubnetIPv6: subnetV6,
            GatewayIPv6: gatewayV6,
            Mtu: mtu,
            EnableIcc: GenericBool(generic, EnableIcc, defaultValue: true),
            EnableMasquerade: GenericBool(generic, EnableIPMasquerade, defaultValue: true),
            Internal: TopLevelBool(options, InternalOption),
            EnableIPv6: enableIPv6,
            DefaultBridge: GenericBool(generic, DefaultBridge, defaultValue: false),
            HostBindingIPv4: NullIfEmpty(generic.GetValueOrDefault(HostBindingIPv4)),
            ContainerInterfacePrefix: prefix,
            CreatedBridge: false);
    }

    /// <summary>Go's strconv.ParseBool, which Moby uses for these options.</summary>
    public static bool? ParseBool(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    private static Dictionary<string, string> GenericOptions(IReadOnlyDictionary<string, JsonElement> options)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!options.TryGetValue(Generic, out var generic) || generic.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return result;
        if (generic.ValueKind != JsonValueKind.Object) throw BerthException.Invalid($"bridge: {Generic} must be an object of driver options");
        foreach (var property in generic.EnumerateObject())
        {
            var text = Text(property.Value);
            if (text is not null) result[property.Name] = text;
        }
        return result;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static bool GenericBool(Dictionary<string, string> generic, string name, bool defaultValue)
    {
        if (!generic.TryGetValue(name, out var text) || text.Length == 0) return defaultValue;
        return ParseBool(text) ?? throw BerthException.Invalid($"invalid value for {name}: '{text}' is not a boolean");
    }

    private static bool TopLevelBool(IReadOnlyDictionary<string, JsonElement> options, string name)
    {
        if (!options.TryGetValue(name, out var value)) return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String when value.GetString() is { Length: 0 } => false,
            JsonValueKind.String when ParseBool(value.GetString()!) is { } parsed => parsed,
            _ => throw BerthException.Invalid($"invalid value for {name}: {value.GetRawText()} is not a boolean"),
        };
    }

    private static (string? Subnet, string? Gateway) Pool(IReadOnlyList<IpamData>? data, AddressFamily family, string label)
    {
        if (data is null || data.Count == 0) return (null, null);
        if (data.Count > 1) throw BerthException.Invalid($"bridge driver doesn't support multiple {label} subnets");
        var pool = data[0];
        if (!Cidr.TryParse(pool.Pool, out var subnet) || subnet.Address.AddressFamily != family)
            throw BerthException.Invalid($"bridge: invalid {label} pool '{pool.Pool}'");
        if (string.IsNullOrEmpty(pool.Gateway)) return (subnet.ToString(), null);
        var gatewayText = pool.Gateway.Contains('/', StringComparison.Ordinal) ? pool.Gateway : $"{pool.Gateway}/{subnet.PrefixLength}";
        if (!Cidr.TryParse(gatewayText, out var gateway) || gateway.Address.AddressFamily != family)
            throw BerthException.Invalid($"bridge: invalid {label} gateway '{pool.Gateway}'");
        return (subnet.ToString(), gateway.ToString());
    }

    private static void ValidateInterfaceName(string name)
    {
        if (name.Length > MaximumInterfaceName || name is "." or ".." || name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
            throw BerthException.Invalid($"invalid interface name '{name}': at most {MaximumInterfaceName} characters, without '/', ':' or spaces");
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
