namespace Berth.Sdk.Protocol;

/// <summary>
/// A driver kind plus the version of its contract, e.g. <c>logdriver/1.0</c>.
/// The major version changes when the contract breaks; the kernel refuses a major it does not speak.
/// In a package's config.json it appears as Docker's interface type <c>berth.logdriver/1.0</c>.
/// </summary>
public sealed record ProtocolId(string Kind, int Major, int Minor)
{
    public const string InterfacePrefix = "berth";

    public override string ToString() => $"{Kind}/{Major}.{Minor}";

    public string ToInterfaceType() => $"{InterfacePrefix}.{this}";

    /// <summary>Parses <c>kind/1</c>, <c>kind/1.2</c> or the interface form <c>berth.kind/1.2</c>.</summary>
    public static bool TryParse(string? text, out ProtocolId id)
    {
        id = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1) return false;
        var kind = text[..slash];
        var dot = kind.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            if (kind[..dot] != InterfacePrefix) return false;
            kind = kind[(dot + 1)..];
        }
        if (kind.Length == 0) return false;
        var version = text[(slash + 1)..].Split('.');
        if (version.Length > 2 || !int.TryParse(version[0], out var major) || major < 0) return false;
        var minor = 0;
        if (version.Length == 2 && (!int.TryParse(version[1], out minor) || minor < 0)) return false;
        id = new ProtocolId(kind, major, minor);
        return true;
    }
}
