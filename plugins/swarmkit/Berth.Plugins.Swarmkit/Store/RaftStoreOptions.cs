using Berth.Plugins.Swarmkit.Transport;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>How a <see cref="RaftClusterStore"/> starts.</summary>
public enum StoreStart
{
    /// <summary><c>docker swarm init</c>: a new cluster whose only member is this one; it leads at once.</summary>
    Bootstrap,

    /// <summary>A manager joining: stands by until the leader adds it (<see cref="IClusterStore.AddMemberAsync"/>).</summary>
    Join,

    /// <summary>A daemon restart: the member it was, from the log, snapshots and member list in the directory.</summary>
    Restart,

    /// <summary>
    /// <c>docker swarm init --force-new-cluster</c>: keeps the log and state but makes this member the only voter,
    /// so it leads alone; the other managers must join again.
    /// </summary>
    ForceNewCluster,
}

/// <summary>Settings of a <see cref="RaftClusterStore"/>.</summary>
/// <param name="Directory">Where the write-ahead log, the snapshots and the member list live (created when missing).</param>
/// <param name="Address">This member's advertised host:port on the swarm port: its identity in the member list.</param>
public sealed record RaftStoreOptions(string Directory, string Address)
{
    /// <summary>Seals log entries and snapshots at rest and on the wire.</summary>
    public IPayloadProtector Protector { get; init; } = PlaintextPayloads.Instance;

    /// <summary>Lower bound of the randomised election timeout, in milliseconds (heartbeats go at half of it).</summary>
    public int LowerElectionTimeout { get; init; } = 1000;

    /// <summary>Upper bound of the randomised election timeout, in milliseconds.</summary>
    public int UpperElectionTimeout { get; init; } = 2000;

    /// <summary>How long one Raft request may take (default: the lower election timeout).</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>How long connecting to another member may take, handshake included (default: the lower election timeout).</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// How long a proposal or a read barrier may wait for a leader and a quorum before it fails with Docker's
    /// "The swarm does not have a leader" (default: three upper election timeouts).
    /// </summary>
    public TimeSpan? QuorumTimeout { get; init; }

    /// <summary>How long adding or removing a member may take, catching it up included.</summary>
    public TimeSpan MembershipTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A snapshot is taken every this many log entries (swarmkit's default SnapshotInterval).</summary>
    public long SnapshotInterval { get; init; } = 10_000;

    /// <summary>DotNext's own log lines at or above this level go to the plugin log (member unreachable warnings are frequent while one is down).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Error;

    /// <summary>The clock for this store's own timeouts.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal TimeSpan EffectiveQuorumTimeout => QuorumTimeout ?? TimeSpan.FromMilliseconds(3 * UpperElectionTimeout);

    internal System.Net.EndPoint EndPoint => SwarmDialer.ParseAddress(Address);

    internal string WalDirectory => Path.Combine(Directory, "wal");

    internal string SnapshotDirectory => Path.Combine(Directory, "snapshots");

    internal string MembersFile => Path.Combine(Directory, "members");
}
