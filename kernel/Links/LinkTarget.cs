namespace Berth.Kernel.Links;

/// <summary>
/// What a parent learns about a linked (child) container.
/// </summary>
/// <param name="Id">Full container id.</param>
/// <param name="Name">Docker name, with its leading "/".</param>
/// <param name="IpAddress">Address on the default bridge (may be empty when it has none).</param>
/// <param name="ExposedPorts">Config.ExposedPorts keys: <c>80/tcp</c>, <c>53/udp</c>, <c>80</c> (tcp), ranges <c>8080-8081/tcp</c>.</param>
/// <param name="Env">Config.Env of the child (<c>KEY=value</c>).</param>
/// <param name="Hostname">Config.Hostname of the child; Docker's default (the 12-character short id) when null or empty.</param>
/// <param name="GlobalIPv6Address">IPv6 address on the default bridge, when it has one.</param>
public sealed record LinkTarget(
    string Id,
    string Name,
    string IpAddress,
    IReadOnlyList<string> ExposedPorts,
    IReadOnlyList<string> Env,
    string? Hostname = null,
    string? GlobalIPv6Address = null)
{
    private const int ShortIdLength = 12;

    internal string EffectiveHostname => string.IsNullOrEmpty(Hostname) ? (Id.Length > ShortIdLength ? Id[..ShortIdLength] : Id) : Hostname;
}
