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

/// <param name="NodeId">The manager's node (absent from older callers): the leader adds only a node it holds to be a manager.</param>
public sealed record MemberRequest(string Address, string? NodeId = null);

/// <summary>A node asks for a certificate for the role the leader holds it to have (after a promotion or demotion).</summary>
/// <param name="Addr">The node's advertised host:port, recorded as its manager address when the role is manager.</param>
public sealed record RenewRequest(string NodeId, string CsrPem, string Addr);

/// <param name="DataKey">Managers only: base64 of the raft data key.</param>
public sealed record RenewResponse(string Role, string CertificatePem, string RootCaPem, IReadOnlyList<string> Managers, string? DataKey);
