using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Berth.Plugins.Swarmkit.Transport;
using Berth.Sdk;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// The replicated store of a manager: DotNext Raft over the swarm port (<see cref="RaftTransport"/>, channel 'R'), a
/// persistent write-ahead log, and the <see cref="ClusterState"/> rebuilt from it in memory.
/// <list type="bullet">
/// <item>Log entries are the JSON of <c>{CommandId, Command}</c> sealed by <see cref="RaftStoreOptions.Protector"/>;
/// snapshots are the sealed JSON of the whole state, taken every <see cref="RaftStoreOptions.SnapshotInterval"/> entries.</item>
/// <item>A proposal is replicated by the leader, then the proposer waits until its own member applied that entry
/// (correlated by CommandId) and gets its result or its refusal. Proposals run concurrently; the log orders them.</item>
/// <item>Without a leader or a quorum, proposals and read barriers fail after <see cref="RaftStoreOptions.QuorumTimeout"/>
/// with Docker's "The swarm does not have a leader". As in swarmkit (etcd raft), an entry the leader appended before it
/// lost its quorum is not withdrawn: it is dropped if a member whose log lacks it wins the next election, but it still
/// commits if a member holding it leads again with a quorum.</item>
/// <item><see cref="Committed"/> and <see cref="LeadershipChanged"/> are raised on a thread-pool thread, in apply
/// order, never under DotNext's locks; a proposer returns after <see cref="Committed"/> ran for its batch.</item>
/// <item>The member list lives in a file next to the log (<see cref="MemberListStorage"/>), so a restart rejoins as
/// the member it was without being announced again.</item>
/// </list>
/// </summary>
public sealed partial class RaftClusterStore : IClusterStore
{
    /// <summary>Docker's message when no leader can be reached.</summary>
    public const string NoLeaderMessage =
        "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

    private static readonly TimeSpan LeaderPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly RaftStoreOptions options;
    private readonly TextWriter log;
    private readonly EndPoint self;
    private readonly RaftTransport transport;
    private readonly MemberListStorage memberList;
    private readonly ClusterStateMachine machine;
    private readonly WriteAheadLog wal;
    private readonly RaftCluster cluster;
    private readonly Channel<Work> notifications;
    private readonly List<Subscriber> leadershipSubscribers = [];
    private LeadershipChange? announced;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ApplyResult>> proposals = new();
    private readonly CancellationTokenSource lifetime = new();
    private TaskCompletionSource leaderChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task dispatching = Task.CompletedTask;
    private Task watchingLeadership = Task.CompletedTask;
    private int disposed;

    private RaftClusterStore(
        RaftStoreOptions options, SwarmListener listener, IConnectionSecurity security, StoreStart mode, TextWriter log,
        Channel<Work> notifications, ClusterStateMachine machine, WriteAheadLog wal, MemberListStorage memberList)
    {
        this.options = options;
        this.log = log;
        this.notifications = notifications;
        this.machine = machine;
        this.wal = wal;
        this.memberList = memberList;
        self = options.EndPoint;
        transport = new RaftTransport(listener, security);
        var configuration = new RaftCluster.CustomTransportConfiguration(self, transport, transport)
        {
            PublicEndPoint = self,
            ConfigurationStorage = memberList,
            ColdStart = mode == StoreStart.Bootstrap,
            LowerElectionTimeout = options.LowerElectionTimeout,
            UpperElectionTimeout = options.UpperElectionTimeout,
            RequestTimeout = options.RequestTimeout ?? TimeSpan.FromMilliseconds(options.LowerElectionTimeout),
            ConnectTimeout = options.ConnectTimeout ?? TimeSpan.FromMilliseconds(options.LowerElectionTimeout),
            LoggerFactory = new TextWriterLoggerFactory(log, options.LogLevel),
        };
        cluster = new RaftCluster(configuration) { AuditTrail = wal };
        cluster.LeaderChanged += OnLeaderChanged;
    }

    public ClusterState Current => machine.State;

    public bool IsLeader => Volatile.Read(ref disposed) == 0 && cluster.Leader is { IsRemote: false } && !cluster.LeadershipToken.IsCancellationRequested;

    public string? LeaderAddress => Volatile.Read(ref disposed) == 0 && cluster.Leader is { } leader ? SwarmDialer.Format(leader.EndPoint) : null;

    /// <summary>This member's address (host:port).</summary>
    public string Address => SwarmDialer.Format(self);

    public event Action<StoreCommitted>? Committed;

    /// <summary>
    /// Raised when this member starts or stops leading. A handler added while this member leads is told so at once,
    /// so subscribing after <see cref="StartAsync"/> returned misses nothing.
    /// </summary>
    public event Action<LeadershipChange>? LeadershipChanged
    {
        add
        {
            if (value is not null)
                notifications.Writer.TryWrite(new Subscribe(value));
        }
        remove
        {
            if (value is not null)
                notifications.Writer.TryWrite(new Unsubscribe(value));
        }
    }

    /// <summary>
    /// Opens the store in <paramref name="options"/>.Directory and starts its Raft member on <paramref name="listener"/>'s
    /// Raft channel (the caller starts the listener and disposes it after the store). Bootstrap and force-new-cluster
    /// return once this member leads; join returns at once, standing by until the leader adds it; restart returns once
    /// started (the member finds its leader, or an election takes place, in the background).
    /// </summary>
    public static async Task<RaftClusterStore> StartAsync(
        RaftStoreOptions options, SwarmListener listener, IConnectionSecurity security, StoreStart mode, TextWriter? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(security);
        log ??= TextWriter.Null;
        var self = options.EndPoint;
        Directory.CreateDirectory(options.Directory);
        Directory.CreateDirectory(options.SnapshotDirectory);
        // A snapshot still being written when the last run stopped is left behind by DotNext: drop it.
        foreach (var leftover in Directory.EnumerateFiles(options.SnapshotDirectory, "*.tmp"))
            File.Delete(leftover);
        var notifications = Channel.CreateUnbounded<Work>(
            new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
        var machine = new ClusterStateMachine(
            new DirectoryInfo(options.SnapshotDirectory), options.Protector, Math.Max(1, options.SnapshotInterval),
            batch => notifications.Writer.TryWrite(new Notification(batch.CommandId, batch.Result)),
            state => notifications.Writer.TryWrite(new Notification(null, new ApplyResult(state, [], null))));
        WriteAheadLog? wal = null;
        MemberListStorage? memberList = null;
        RaftClusterStore? store = null;
        try
        {
            // The snapshot first: the log reads its index from the state machine when it is constructed.
            await machine.RestoreAsync(cancellationToken).ConfigureAwait(false);
            wal = new WriteAheadLog(new WriteAheadLog.Options { Location = options.WalDirectory }, machine);
            memberList = new MemberListStorage(options.MembersFile);
            await PrepareAsync(mode, wal, memberList, self, cancellationToken).ConfigureAwait(false);
            store = new RaftClusterStore(options, listener, security, mode, log, notifications, machine, wal, memberList);
            await store.StartCoreAsync(mode, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                if (wal is not null)
                    await wal.DisposeAsync().ConfigureAwait(false);
                await machine.DisposeAsync().ConfigureAwait(false);
                memberList?.Dispose();
            }
            throw;
        }
    }

    private static async Task PrepareAsync(StoreStart mode, WriteAheadLog wal, MemberListStorage memberList, EndPoint self, CancellationToken cancellationToken)
    {
        switch (mode)
        {
            case StoreStart.Bootstrap or StoreStart.Join:
                if (wal.LastEntryIndex > 0 || (await memberList.LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
                    throw new InvalidOperationException("the raft directory already holds a log; erase it before initialising or joining a swarm");
                break;
            case StoreStart.ForceNewCluster:
                // This member alone, stamped with the last index of the log: the configuration entries the log replays at
                // start are older and ignored, the ones appended from now on are newer and apply. A new term keeps the
                // old members' leader of the current term from being followed.
                IPersistentState state = wal;
                await state.UpdateTermAsync(state.Term + 1, resetLastVote: true, cancellationToken).ConfigureAwait(false);
                await memberList.ForceSingleMemberAsync(self, wal.LastEntryIndex, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task StartCoreAsync(StoreStart mode, CancellationToken cancellationToken)
    {
        dispatching = Task.Run(DispatchAsync, CancellationToken.None);
        await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        watchingLeadership = Task.Run(() => WatchLeadershipAsync(lifetime.Token), CancellationToken.None);
        if (mode is StoreStart.Bootstrap or StoreStart.ForceNewCluster)
        {
            using var timeout = new CancellationTokenSource(options.EffectiveQuorumTimeout, options.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await cluster.WaitForLeadershipAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BerthException(BerthErrorKind.Unavailable, "this manager did not become the leader of its new swarm in time");
            }
        }
    }

    /// <summary>
    /// Runs every event delivery, one at a time and in order, off DotNext's threads: commits in apply order (the event
    /// first, then the waiting proposer), leadership changes, and the subscriptions to them.
    /// </summary>
    private async Task DispatchAsync()
    {
        await foreach (var work in notifications.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            switch (work)
            {
                case Notification notification:
                    var result = notification.Result;
                    Raise(Committed, new StoreCommitted(result.State.Index, result.State, result.Changes));
                    if (notification.CommandId is { } id && proposals.TryRemove(id, out var proposal))
                    {
                        if (result.Error is { } error)
                            proposal.TrySetException(error.ToException());
                        else
                            proposal.TrySetResult(result);
                    }
                    break;
                case Leadership leadership:
                    announced = leadership.Change;
                    foreach (var subscriber in leadershipSubscribers.ToArray())
                        Deliver(subscriber, leadership.Change);
                    break;
                case Subscribe subscribe:
                    var added = new Subscriber(subscribe.Handler);
                    leadershipSubscribers.Add(added);
                    if (announced is { IsLeader: true, LeadershipToken.IsCancellationRequested: false } current)
                        Deliver(added, current);
                    break;
                case Unsubscribe unsubscribe:
                    var index = leadershipSubscribers.FindLastIndex(s => s.Handler == unsubscribe.Handler);
                    if (index >= 0)
                        leadershipSubscribers.RemoveAt(index);
                    break;
            }
        }
    }

    private void Deliver(Subscriber subscriber, LeadershipChange change)
    {
        if (ReferenceEquals(subscriber.Seen, change))
            return;
        subscriber.Seen = change;
        Invoke(subscriber.Handler, change);
    }

    private void Raise<T>(Action<T>? handlers, T argument)
    {
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<T>>())
            Invoke(handler, argument);
    }

    private void Invoke<T>(Action<T> handler, T argument)
    {
        try
        {
            handler(argument);
        }
        catch (Exception e)
        {
            Log($"swarm store: a {typeof(T).Name} handler failed: {e}");
        }
    }

    private void OnLeaderChanged(RaftCluster<RaftClusterMember> sender, RaftClusterMember? leader) =>
        Interlocked.Exchange(ref leaderChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Announces each term this member leads, once its write barrier passed (everything earlier is applied here).</summary>
    private async Task WatchLeadershipAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            CancellationToken term;
            try
            {
                term = await cluster.WaitForLeadershipAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log($"swarm store: waiting for leadership failed: {e.Message}");
                await DelayAsync(LeaderPoll, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (term.IsCancellationRequested)
            {
                // A term that already ended; wait for the next.
                await DelayAsync(LeaderPoll, cancellationToken).ConfigureAwait(false);
                continue;
            }
            notifications.Writer.TryWrite(new Leadership(new LeadershipChange(true, Address, term)));
            using (var both = CancellationTokenSource.CreateLinkedTokenSource(term, cancellationToken))
                await DelayAsync(Timeout.InfiniteTimeSpan, both.Token).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
                return;
            notifications.Writer.TryWrite(new Leadership(new LeadershipChange(false, LeaderAddress, term)));
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, options.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Log(string message)
    {
        try
        {
            lock (log)
                log.WriteLine(message);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static BerthException NoLeader(Exception? inner = null) => new(BerthErrorKind.Unavailable, NoLeaderMessage, inner);

    private BerthException ShuttingDown() => new(BerthErrorKind.Unavailable, $"the swarm store of manager {Address} is shutting down");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        await lifetime.CancelAsync().ConfigureAwait(false);
        using (var stop = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await cluster.StopAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log($"swarm store: stopping raft failed: {e.Message}");
            }
        }
        await watchingLeadership.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cluster.LeaderChanged -= OnLeaderChanged;
        await cluster.DisposeAsync().ConfigureAwait(false);
        transport.Dispose();
        await wal.DisposeAsync().ConfigureAwait(false);
        await machine.DisposeAsync().ConfigureAwait(false);
        memberList.Dispose();
        notifications.Writer.TryComplete();
        await dispatching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var id in proposals.Keys)
            if (proposals.TryRemove(id, out var proposal))
                proposal.TrySetException(ShuttingDown());
        lifetime.Dispose();
    }

    private abstract record Work;

    private sealed record Notification(Guid? CommandId, ApplyResult Result) : Work;

    private sealed record Leadership(LeadershipChange Change) : Work;

    private sealed record Subscribe(Action<LeadershipChange> Handler) : Work;

    private sealed record Unsubscribe(Action<LeadershipChange> Handler) : Work;

    private sealed class Subscriber(Action<LeadershipChange> handler)
    {
        public Action<LeadershipChange> Handler { get; } = handler;
        public LeadershipChange? Seen { get; set; }
    }
}
