using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Plugins.Swarmkit.Transport;
using Berth.Sdk.Kernel;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// This daemon as a member of a swarm (Moby's node runner): its credentials, and for a manager the listener,
/// the replicated store and the manager services; for every node the agent session.
/// </summary>
public sealed partial class SwarmNode : IAsyncDisposable
{
    private readonly NodeEnvironment env;
    private readonly SwarmTls tls;
    private NodeCredentials credentials;
    private readonly RpcClient rpc;
    private readonly CancellationTokenSource lifetime = new();
    private SwarmListener? listener;
    private Task agent = Task.CompletedTask;
    private Task publisher = Task.CompletedTask;
    private IReadOnlyList<string> managers;
    private byte[] dataKey = [];
    private string sealedWith = "";

    private SwarmNode(NodeEnvironment env, NodeState state, NodeCredentials credentials)
    {
        this.env = env;
        State = state;
        this.credentials = credentials;
        managers = state.Managers;
        tls = new SwarmTls(credentials, env.Time);
        Security = new TlsConnectionSecurity(tls);
        rpc = new RpcClient((address, ct) => SwarmDialer.ConnectAsync(address, Channels.Control, Security, ct));
        Link = new RemoteManagerLink(rpc, () => managers);
    }

    public NodeState State { get; private set; }

    public bool IsManager => State.Role == NodeRoles.Manager;

    /// <summary>The replicated store; managers only.</summary>
    public IClusterStore? Store { get; private set; }

    public ManagerServices? Manager { get; private set; }

    public IManagerLink Link { get; private set; }

    /// <summary>Gathers <c>docker service logs</c> from the nodes; managers only.</summary>
    public LogBroker? Logs { get; private set; }

    public TlsInfo TlsInfo => credentials.ToTlsInfo();

    private IConnectionSecurity Security { get; }

    private string CertificatesDirectory => env.CertificatesDirectory;

    private async Task StartManagerAsync(StoreStart mode, byte[] dataKey, CancellationToken cancellationToken)
    {
        this.dataKey = dataKey;
        var server = new RpcServer(env.Log);
        server.Handle(RpcMethods.RootCa, (_, _, _) => Task.FromResult<object?>(new RootCaResponse(credentials.RootPem)));
        listener = new SwarmListener(SwarmAddresses.Listen(State.ListenAddr), Security, env.Log);
        listener.Route(Channels.Control, (connection, ct) => server.ServeAsync(connection.Stream, connection.Peer, ct));
        var options = new RaftStoreOptions(env.RaftDirectory, State.AdvertiseAddr) { Protector = new SealedPayloads(new SecretBox(dataKey)) };
        Store = await RaftClusterStore.StartAsync(options, listener, Security, mode, env.Log, cancellationToken).ConfigureAwait(false);
        var dataKeyText = Convert.ToBase64String(dataKey);
        Manager = new ManagerServices(Store, rpc, server, () => dataKeyText, env.Kernel, env.Time, env.Log);
        Link = Manager.Link;
        Logs = new LogBroker(Store, Manager.Leader, Manager.LogSubscriptions, State.AdvertiseAddr, env.Time, env.Log);
        listener.Route(Channels.Logs, Logs.AcceptAsync);
        Store.Committed += OnCommitted;
        listener.Start();
    }

    // Autolock turned on, off or rotated: this manager's key files are sealed again under the new key (swarmkit's KEK rotation).
    private void OnCommitted(StoreCommitted committed)
    {
        if (committed.State.Keys is { } keys && keys.UnlockKey != sealedWith)
        {
            sealedWith = keys.UnlockKey;
            _ = ResealAsync(keys.UnlockKey);
        }
    }

    private async Task ResealAsync(string unlockKey)
    {
        try
        {
            var key = unlockKey.Length == 0 ? null : UnlockKey.Parse(unlockKey);
            credentials.Save(CertificatesDirectory, key);
            DataKeyFile.Save(env.Directory, dataKey, key);
            State = State with { Locked = key is not null };
            await NodeStateFile.SaveAsync(env.Directory, State, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await env.Log.WriteLineAsync($"swarm: could not seal this manager's keys under the new unlock key: {e.Message}").ConfigureAwait(false);
        }
    }

    private void StartAgent()
    {
        var session = new AgentSession(State.NodeId, SwarmAddresses.HostOf(State.AdvertiseAddr), AgentLink, env.Kernel, env.Time, env.Log);
        session.ManagersChanged += OnManagersChanged;
        session.RoleObserved += OnRoleObserved;
        agent = Task.Run(() => session.RunAsync(lifetime.Token), CancellationToken.None);
        var logs = new LogPublisher(State.NodeId, () => Link, env.Kernel, (address, ct) => SwarmDialer.ConnectAsync(address, Channels.Logs, Security, ct), env.Time, env.Log);
        publisher = Task.Run(() => logs.RunAsync(lifetime.Token), CancellationToken.None);
        renewal = Task.Run(() => RenewWhenDueAsync(lifetime.Token), CancellationToken.None);
    }

    private void OnManagersChanged(IReadOnlyList<string> latest)
    {
        if (latest.SequenceEqual(managers))
            return;
        managers = latest;
        State = State with { Managers = latest };
        _ = SaveStateAsync();
    }

    private async Task SaveStateAsync()
    {
        try
        {
            await NodeStateFile.SaveAsync(env.Directory, State, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            await env.Log.WriteLineAsync($"swarm: could not record the manager list: {e.Message}").ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await lifetime.CancelAsync().ConfigureAwait(false);
        await agent.ConfigureAwait(false);
        await membership.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await publisher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Manager is not null)
            await Manager.DisposeAsync().ConfigureAwait(false);
        if (Store is not null)
            await Store.DisposeAsync().ConfigureAwait(false);
        if (listener is not null)
            await listener.DisposeAsync().ConfigureAwait(false);
        await rpc.DisposeAsync().ConfigureAwait(false);
        credentials.Dispose();
        foreach (var old in retired)
            old.Dispose();
        lifetime.Dispose();
    }
}

/// <summary>What a node needs from its surroundings: where its files live, the kernel, a clock and a log.</summary>
public sealed record NodeEnvironment(string Directory, IKernelHost Kernel, TimeProvider Time, TextWriter Log)
{
    /// <summary>Called (once per change, from a heartbeat) when the leader holds this node to another role than it runs as.</summary>
    public Action<SwarmNode, string>? RoleChangeNeeded { get; init; }

    public string CertificatesDirectory => Path.Combine(Directory, "certificates");
    public string RaftDirectory => Path.Combine(Directory, "raft");
}
