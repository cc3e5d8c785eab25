using System.Net;
using Berth.Plugins.Swarmkit.Transport;
using Berth.Sdk;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using RaftNotLeaderException = DotNext.Net.Cluster.Consensus.Raft.NotLeaderException;

namespace Berth.Plugins.Swarmkit.Store;

public sealed partial class RaftClusterStore
{
    public IReadOnlyList<MemberInfo> Members
    {
        get
        {
            if (Volatile.Read(ref disposed) != 0)
                return [];
            var consensus = !cluster.ConsensusToken.IsCancellationRequested;
            return cluster.Members
                .Select(m => new MemberInfo(
                    SwarmDialer.Format(m.EndPoint),
                    m.IsLeader,
                    !m.IsRemote || m.Status == ClusterMemberStatus.Available || (m.IsLeader && consensus)))
                .OrderBy(m => m.Address, StringComparer.Ordinal)
                .ToList();
        }
    }

    public async Task<ApplyResult> ProposeAsync(StoreCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        using var timeout = new CancellationTokenSource(options.EffectiveQuorumTimeout, options.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, lifetime.Token);
        var term = await AcquireLeadershipAsync(bounded.Token, cancellationToken).ConfigureAwait(false);

        var envelope = new RaftEnvelope(Guid.NewGuid(), command);
        var payload = envelope.Encode(options.Protector);
        var proposal = new TaskCompletionSource<ApplyResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        proposals[envelope.CommandId] = proposal;
        try
        {
            using (var replicating = CancellationTokenSource.CreateLinkedTokenSource(bounded.Token, term))
            {
                try
                {
                    await cluster.ReplicateAsync(payload, context: null, replicating.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or LeaderOperationException or ObjectDisposedException or InvalidOperationException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Leadership lost (or no quorum): a new leader may still commit the entry, and then this member
                    // applies it too; wait for that until the deadline.
                    try
                    {
                        return await proposal.Task.WaitAsync(bounded.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                    }
                    if (lifetime.IsCancellationRequested)
                        throw ShuttingDown();
                    if (cluster.Leader is { IsRemote: true })
                        throw new BerthException(BerthErrorKind.Unavailable,
                            "this manager lost the leadership before the change was committed; it may still be applied by the new leader", e);
                    throw NoLeader(e);
                }
            }
            // Committed: it is applied here shortly, whatever happens to the leadership now.
            using var applying = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
            try
            {
                return await proposal.Task.WaitAsync(applying.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw ShuttingDown();
            }
        }
        finally
        {
            proposals.TryRemove(envelope.CommandId, out _);
        }
    }

    /// <summary>
    /// Waits (within <paramref name="bounded"/>) until this member leads with its write barrier passed and returns the
    /// term's token; throws <see cref="NotLeaderException"/> as soon as another member is known to lead.
    /// </summary>
    private async Task<CancellationToken> AcquireLeadershipAsync(CancellationToken bounded, CancellationToken caller)
    {
        try
        {
            while (true)
            {
                bounded.ThrowIfCancellationRequested();
                var changed = Volatile.Read(ref leaderChanged).Task;
                switch (cluster.Leader)
                {
                    case { IsRemote: true } leader:
                        throw new NotLeaderException(SwarmDialer.Format(leader.EndPoint));
                    case { IsRemote: false }:
                        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(bounded))
                        {
                            attempt.CancelAfter(LeaderPoll);
                            try
                            {
                                var term = await cluster.WaitForLeadershipAsync(attempt.Token).ConfigureAwait(false);
                                if (!term.IsCancellationRequested)
                                    return term;
                            }
                            catch (OperationCanceledException) when (!bounded.IsCancellationRequested)
                            {
                                // Still behind the write barrier, or the leadership moved: look again.
                            }
                        }
                        break;
                    default:
                        await changed.WaitAsync(LeaderPoll, options.Time, bounded).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw lifetime.IsCancellationRequested ? ShuttingDown() : NoLeader();
        }
    }

    public async Task<ClusterState> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        using var timeout = new CancellationTokenSource(options.EffectiveQuorumTimeout, options.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, lifetime.Token);
        Exception? last = null;
        while (true)
        {
            try
            {
                bounded.Token.ThrowIfCancellationRequested();
                await cluster.ApplyReadBarrierAsync(bounded.Token).ConfigureAwait(false);
                return Current;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (bounded.IsCancellationRequested)
            {
                throw lifetime.IsCancellationRequested ? ShuttingDown() : NoLeader(last ?? e);
            }
            catch (Exception e) when (e is LeaderOperationException or MemberUnavailableException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // No leader yet, or it cannot see a quorum: try again until the deadline.
                last = e;
                await DelayAsync(LeaderPoll, bounded.Token).ConfigureAwait(false);
            }
        }
    }

    public async Task AddMemberAsync(string address, CancellationToken cancellationToken)
    {
        var member = ParseMember(address);
        await ChangeMembershipAsync(address, async ct =>
        {
            if (IsMember(member))
                return;
            if (!await cluster.AddMemberAsync(member, ct).ConfigureAwait(false) && !IsMember(member))
                throw new BerthException(BerthErrorKind.Unavailable, $"manager {address} could not be added to raft: it did not catch up with the leader's log");
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveMemberAsync(string address, CancellationToken cancellationToken)
    {
        var member = ParseMember(address);
        await ChangeMembershipAsync(address, async ct =>
        {
            if (!IsMember(member))
                return;
            if (!await cluster.RemoveMemberAsync(member, ct).ConfigureAwait(false) && IsMember(member))
                throw new BerthException(BerthErrorKind.Unavailable, $"manager {address} could not be removed from raft");
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ChangeMembershipAsync(string address, Func<CancellationToken, Task> change, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (!IsLeader)
            throw new NotLeaderException(LeaderAddress);
        using var timeout = new CancellationTokenSource(options.MembershipTimeout, options.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, lifetime.Token);
        while (true)
        {
            try
            {
                await change(bounded.Token).ConfigureAwait(false);
                return;
            }
            catch (RaftCluster<RaftClusterMember>.ConcurrentMembershipModificationException)
            {
                // One change at a time: wait for the other one to finish.
                await DelayAsync(LeaderPoll, bounded.Token).ConfigureAwait(false);
                if (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    throw new BerthException(BerthErrorKind.Unavailable, $"timed out changing the raft membership of {address}: another change is in progress");
            }
            catch (RaftNotLeaderException)
            {
                throw new NotLeaderException(LeaderAddress);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (lifetime.IsCancellationRequested)
                    throw ShuttingDown();
                if (!IsLeader)
                    throw new NotLeaderException(LeaderAddress);
                throw new BerthException(BerthErrorKind.Unavailable, $"timed out changing the raft membership of {address}");
            }
        }
    }

    private bool IsMember(EndPoint member) => cluster.Members.Any(m => m.EndPoint.Equals(member));

    private static EndPoint ParseMember(string address)
    {
        var endPoint = SwarmDialer.ParseAddress(address);
        return endPoint is IPEndPoint ip && ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;
    }
}
