namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// The replicated store, with no consensus types showing: propose a batch, read linearizably, watch what
/// commits, follow leadership, change the member set.
/// </summary>
public interface IClusterStore : IAsyncDisposable
{
    /// <summary>The last applied snapshot on this member (may trail the leader; see <see cref="ReadAsync"/>).</summary>
    ClusterState Current { get; }

    /// <summary>True while this member leads.</summary>
    bool IsLeader { get; }

    /// <summary>The leader's member address (host:port), or null while there is none.</summary>
    string? LeaderAddress { get; }

    /// <summary>Raised on every member after each committed batch is applied (also for refused batches, with no changes).</summary>
    event Action<StoreCommitted>? Committed;

    /// <summary>Raised when this member gains or loses leadership, with a token cancelled when the term's leadership ends.</summary>
    event Action<LeadershipChange>? LeadershipChanged;

    /// <summary>
    /// Replicates a batch and waits until it is applied here. Only the leader accepts proposals: elsewhere it throws
    /// <see cref="NotLeaderException"/> so the caller forwards. A refused batch throws its <see cref="StoreError"/>.
    /// Without quorum it fails with Docker's "The swarm does not have a leader" and nothing is applied.
    /// </summary>
    Task<ApplyResult> ProposeAsync(StoreCommand command, CancellationToken cancellationToken);

    /// <summary>A snapshot that reflects every write committed before the call (read barrier).</summary>
    Task<ClusterState> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Leader only: adds a voting member at <paramref name="address"/> (host:port).</summary>
    Task AddMemberAsync(string address, CancellationToken cancellationToken);

    /// <summary>Leader only: removes the member at <paramref name="address"/>.</summary>
    Task RemoveMemberAsync(string address, CancellationToken cancellationToken);

    /// <summary>
    /// Leader only: gives up the leadership so that another member leads (a demoted leader's first step); returns once
    /// another member leads, or throws Unavailable when none took over in time. Does nothing on a follower.
    /// </summary>
    Task TransferLeadershipAsync(CancellationToken cancellationToken);

    /// <summary>The member addresses of the current configuration.</summary>
    IReadOnlyList<MemberInfo> Members { get; }
}

public sealed record StoreCommitted(long Index, ClusterState State, IReadOnlyList<ObjectChange> Changes);

public sealed record LeadershipChange(bool IsLeader, string? LeaderAddress, CancellationToken LeadershipToken);

/// <param name="Reachable">Whether this member currently hears from it (true for itself).</param>
public sealed record MemberInfo(string Address, bool IsLeader, bool Reachable);

/// <summary>Thrown on a follower for a leader-only operation; the caller forwards to <see cref="LeaderAddress"/>.</summary>
public sealed class NotLeaderException(string? leaderAddress)
    : Exception(leaderAddress is null ? "The swarm does not have a leader." : $"this manager is not the leader (leader: {leaderAddress})")
{
    public string? LeaderAddress { get; } = leaderAddress;
}
