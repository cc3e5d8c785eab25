namespace Berth.Kernel.Images.Distribution;

/// <summary>An image platform (<c>linux/amd64</c>, <c>linux/arm/v7</c>).</summary>
public sealed record Platform(string Architecture, string Os, string? Variant = null)
{
    public static Platform LinuxAmd64 { get; } = new("amd64", "linux");

    /// <summary>Docker's spelling: <c>os/arch[/variant]</c>.</summary>
    public override string ToString() => Variant is { Length: > 0 } ? $"{Os}/{Architecture}/{Variant}" : $"{Os}/{Architecture}";
}
