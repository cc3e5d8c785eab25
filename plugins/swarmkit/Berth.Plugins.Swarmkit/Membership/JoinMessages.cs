namespace Berth.Plugins.Swarmkit.Membership;

public sealed record RootCaResponse(string CertificatePem);

/// <param name="Addr">The joiner's advertised host:port (managers) or host (workers).</param>
public sealed record JoinRequest(string Token, string CsrPem, string Addr, string Availability, string Hostname);

/// <param name="DataKey">Managers only: base64 of the key that seals the raft log and snapshots at rest.</param>
public sealed record JoinResponse(
    string NodeId,
    string ClusterId,
    string Role,
    string CertificatePem,
    string RootCaPem,
    IReadOnlyList<string> Managers,
    string? DataKey);

public sealed record MemberRequest(string Address);
