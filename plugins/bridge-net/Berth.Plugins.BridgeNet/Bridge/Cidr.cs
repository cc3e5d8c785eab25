using System.Globalization;
using System.Net;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>An address with a prefix length, as libnetwork writes both pools (<c>10.0.0.0/24</c>) and interface addresses (<c>10.0.0.1/24</c>).</summary>
internal readonly record struct Cidr(IPAddress Address, int PrefixLength)
{
    public static bool TryParse(string? text, out Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(text)) return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return false;
        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var address)) return false;
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)) return false;
        var maximum = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > maximum) return false;
        cidr = new Cidr(address, prefix);
        return true;
    }

    /// <exception cref="FormatException">The text is not <c>address/prefix</c>.</exception>
    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr) ? cidr : throw new FormatException($"'{text}' is not an address with a prefix length (such as 10.0.0.1/24)");

    public override string ToString() => $"{Address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}
