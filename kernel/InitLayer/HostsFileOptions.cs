namespace Berth.Kernel.InitLayer;

/// <summary>What a container's /etc/hosts is made from.</summary>
public sealed record HostsFileOptions
{
    /// <summary>Config.Hostname.</summary>
    public string Hostname { get; init; } = "";

    /// <summary>Config.Domainname; the container's own line then names <c>host.domain host</c>.</summary>
    public string Domainname { get; init; } = "";

    /// <summary>The container's own addresses (one per network endpoint; none for network mode none).</summary>
    public IReadOnlyList<string> ContainerAddresses { get; init; } = [];

    /// <summary>HostConfig.ExtraHosts, <c>name:ip</c> or <c>name:host-gateway</c>.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>The daemon's host-gateway-ips (default: the default bridge's gateway addresses).</summary>
    public IReadOnlyList<string> HostGatewayAddresses { get; init; } = [];

    /// <summary>Legacy-link records (see Links.LinkHosts), written after ExtraHosts as moby adds them.</summary>
    public IReadOnlyList<HostsEntry> LinkEntries { get; init; } = [];

    /// <summary>False when the container definitely has no IPv6: IPv6 lines are left out. Null (unknown) keeps them, as moby.</summary>
    public bool? IPv6Enabled { get; init; }

    /// <summary>Network mode host: the host's hosts file is copied as-is, unless there are ExtraHosts (then it is built as usual).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>The host's hosts file (for <see cref="HostNetwork"/>).</summary>
    public string HostHostsPath { get; init; } = "/etc/hosts";
}
