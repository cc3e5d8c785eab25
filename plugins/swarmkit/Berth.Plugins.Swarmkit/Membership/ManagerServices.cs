using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Events;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;
using Berth.Sdk.Kernel;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// Everything a manager runs on top of its store: the object API, the dispatcher, the join authority, the
/// leader-only loops and the control calls other nodes make.
/// </summary>
public sealed class ManagerServices : IAsyncDisposable
{
    private readonly IClusterStore store;
    private readonly IKernelHost kernel;
    private readonly TextWriter log;
    private readonly CancellationTokenSource lifetime = new();
    private readonly Orchestration.OrchestrationHost orchestration;
    private readonly EventForwarder events;
    private readonly RoleManager roles;
    private Task liveness = Task.CompletedTask;

    public ManagerServices(IClusterStore store, RpcClient rpc, RpcServer server, Func<string?> dataKey, IKernelHost kernel, TimeProvider time, TextWriter log)
    {
        this.store = store;
        this.kernel = kernel;
        this.log = log;
        Leader = new LeaderCalls(store, rpc);
        Proposer = new ForwardingProposer(store, Leader, time);
        var sealer = new BoxSealer(() => new SecretBox(Convert.FromBase64String(store.Current.Keys?.SecretsKey
            ?? throw BerthException.Unavailable("the swarm's keys are not replicated to this manager yet"))));
        Control = new ControlApi(Proposer, new ObjectViews(node => ManagerStatuses.Of(store, node)), sealer, time, () => store.Members);
        Dispatcher = new DispatcherService(store, sealer, time, log);
        LogSubscriptions = new LogSubscriptionRegistry(time);
        Link = new LocalManagerLink(Dispatcher, Leader, LogSubscriptions);
        Joins = new JoinAuthority(Proposer, dataKey, time);
        orchestration = new Orchestration.OrchestrationHost(store, time, log);
        roles = new RoleManager(store, time, log);
        events = new EventForwarder(kernel, log);
        store.Committed += OnCommitted;
        store.LeadershipChanged += OnLeadershipChanged;
        Register(server);
    }

    public LeaderCalls Leader { get; }
    public IProposer Proposer { get; }
    public ControlApi Control { get; }
    public DispatcherService Dispatcher { get; }
    public IManagerLink Link { get; }
    public JoinAuthority Joins { get; }

    /// <summary>The log subscriptions in progress, kept while this manager leads.</summary>
    public LogSubscriptionRegistry LogSubscriptions { get; }

    private void Register(RpcServer server)
    {
        server.Handle<JoinRequest>(RpcMethods.Join, async (_, request, ct) =>
            await Leader.CallAsync(RpcMethods.Join, request, c => Joins.JoinAsync(request, c), ct).ConfigureAwait(false));
        server.Handle<StoreCommand>(RpcMethods.Propose, async (caller, command, ct) =>
        {
            RequireManager(caller);
            return (await store.ProposeAsync(command, ct).ConfigureAwait(false)).State.Index;
        });
        server.Handle<MemberRequest>(RpcMethods.AddMember, async (caller, request, ct) =>
        {
            RequireManager(caller);
            await Leader.CallAsync(RpcMethods.AddMember, request, c =>
            {
                JoinAuthority.RequireManagerNode(store.Current, request);
                return store.AddMemberAsync(request.Address, c);
            }, ct).ConfigureAwait(false);
            return null;
        });
        server.Handle<RenewRequest>(RpcMethods.RenewCertificate, async (caller, request, ct) =>
        {
            RequireNode(caller, request.NodeId);
            return await Leader.CallAsync(RpcMethods.RenewCertificate, request, c => Joins.RenewAsync(request, c), ct).ConfigureAwait(false);
        });
        server.Handle<MemberRequest>(RpcMethods.RemoveMember, async (caller, request, ct) =>
        {
            RequireManager(caller);
            await Leader.CallAsync(RpcMethods.RemoveMember, request, c => store.RemoveMemberAsync(request.Address, c), ct).ConfigureAwait(false);
            return null;
        });
        server.Handle<HeartbeatRequest>(RpcMethods.Heartbeat, async (caller, request, ct) =>
        {
            RequireNode(caller, request.NodeId);
            return await Link.HeartbeatAsync(request, ct).ConfigureAwait(false);
        });
        server.Handle<AssignmentsRequest>(RpcMethods.Assignments, async (caller, request, ct) =>
        {
            RequireNode(caller, request.NodeId);
            return await Link.AssignmentsAsync(request, ct).ConfigureAwait(false);
        });
        server.Handle<TaskStatusRequest>(RpcMethods.TaskStatus, async (caller, request, ct) =>
        {
            RequireNode(caller, request.NodeId);
            await Link.ReportAsync(request, ct).ConfigureAwait(false);
            return null;
        });
        LogCalls.Register(server, Leader, LogSubscriptions, Link, RequireManager, RequireNode);
    }

    private static void RequireManager(RpcCaller caller)
    {
        if (caller.Peer?.Role != NodeRoles.Manager)
            throw BerthException.Forbidden("this call is reserved to swarm managers");
    }

    private static void RequireNode(RpcCaller caller, string nodeId)
    {
        if (caller.Peer is null || (caller.Peer.NodeId != nodeId && caller.Peer.Role != NodeRoles.Manager))
            throw BerthException.Forbidden("a node may only speak for itself");
    }

    private void OnCommitted(StoreCommitted committed)
    {
        foreach (var change in committed.Changes)
            foreach (var e in ClusterEvents.From(change))
                events.Post(e);
    }

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (!change.IsLeader)
            return;
        var token = CancellationTokenSource.CreateLinkedTokenSource(change.LeadershipToken, lifetime.Token).Token;
        liveness = Task.Run(() => Dispatcher.WatchLivenessAsync(token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        store.Committed -= OnCommitted;
        store.LeadershipChanged -= OnLeadershipChanged;
        await lifetime.CancelAsync().ConfigureAwait(false);
        await liveness.ConfigureAwait(false);
        await roles.DisposeAsync().ConfigureAwait(false);
        await orchestration.DisposeAsync().ConfigureAwait(false);
        await events.DisposeAsync().ConfigureAwait(false);
        lifetime.Dispose();
    }
}
