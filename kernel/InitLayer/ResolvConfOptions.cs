namespace Berth.Kernel.InitLayer;

/// <summary>How a container's network treats DNS (which host file is read, and how it is transformed).</summary>
public enum ResolvConfNetwork
{
    /// <summary>Default bridge (legacy networking, no internal resolver): loopback nameservers dropped, defaults when none left.</summary>
    Bridge,

    /// <summary>User-defined network with the embedded DNS server: the file names only the internal resolver.</summary>
    UserDefined,

    /// <summary>Network mode host: the host's /etc/resolv.conf with only the overrides applied.</summary>
    Host,

    /// <summary>Network mode none: the host's file (as for the bridge) with the overrides, untransformed.</summary>
    None,
}

/// <summary>What a container's /etc/resolv.conf is made from.</summary>
public sealed record ResolvConfOptions
{
    public ResolvConfNetwork Network { get; init; } = ResolvConfNetwork.Bridge;

    /// <summary>Whether the container's network has IPv6 (keeps IPv6 nameservers and adds the IPv6 defaults on the bridge).</summary>
    public bool IPv6Enabled { get; init; }

    /// <summary>HostConfig.Dns, or the daemon's dns when the container has none: replaces the nameservers.</summary>
    public IReadOnlyList<string> Dns { get; init; } = [];

    /// <summary>HostConfig.DnsSearch (or the daemon's): replaces the search domains; "." means none.</summary>
    public IReadOnlyList<string> DnsSearch { get; init; } = [];

    /// <summary>HostConfig.DnsOptions (or the daemon's): replaces the options.</summary>
    public IReadOnlyList<string> DnsOptions { get; init; } = [];

    /// <summary>The host's resolv.conf (injectable for tests).</summary>
    public string HostResolvConfPath { get; init; } = "/etc/resolv.conf";

    /// <summary>
    /// Where systemd-resolved keeps the real upstream servers; read instead of <see cref="HostResolvConfPath"/> for the
    /// bridge (and none) when the host file's only nameserver is the 127.0.0.53 stub.
    /// </summary>
    public string SystemdResolvConfPath { get; init; } = "/run/systemd/resolve/resolv.conf";

    /// <summary>The embedded DNS server's address inside the container (<see cref="ResolvConfNetwork.UserDefined"/>).</summary>
    public string InternalNameserver { get; init; } = "127.0.0.11";

    /// <summary>Options the embedded DNS server needs (moby's resolver asks for ndots:0).</summary>
    public IReadOnlyList<string> InternalResolverOptions { get; init; } = ["ndots:0"];
}

/// <summary>
/// The outcome of writing resolv.conf. <paramref name="Written"/> is false when the file was left alone because the user
/// edited it. <paramref name="ExternalNameservers"/> lists, for a user-defined network, the servers the embedded DNS
/// server forwards to.
/// </summary>
public sealed record ResolvConfResult(bool Written, IReadOnlyList<ExternalNameserver> ExternalNameservers);
