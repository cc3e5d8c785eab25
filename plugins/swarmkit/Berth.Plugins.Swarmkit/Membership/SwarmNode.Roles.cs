using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// <c>docker node promote</c> / <c>demote</c> on the node's side. The leader's <see cref="RoleManager"/> changes the
/// node's observed role (after taking a demoted manager out of raft); the node hears it on its heartbeat, fetches a
/// certificate for that role and is replaced by a node of the new role, started as <c>swarm join</c> would.
/// <para>Crash safety: the new credentials (and for a manager the data key, with the raft directory emptied) are
/// written first, <c>state.json</c> last. That write is the commit point: a daemon killed before it resumes in the old
/// role, hears the new one again and redoes the change (a stray certificate of the new role is replaced then); killed
/// after it, the node resumes in the new role. A resumed manager that is no raft member asks the leader to add it
/// (<see cref="EnsureMemberAsync"/>), which the leader refuses for a node it no longer holds to be a manager; the
/// heartbeat then starts the demotion again. A demoted manager's raft files are removed after the commit point.</para>
/// </summary>
public sealed partial class SwarmNode
{
    private static readonly TimeSpan MemberRetry = TimeSpan.FromSeconds(2);
    private int changingRole;
    private Task membership = Task.CompletedTask;

    /// <summary>A manager's agent falls back on the other managers when its own store finds no leader (a removed member).</summary>
    private IManagerLink AgentLink => Manager is null ? Link : new FallbackManagerLink(Link, new RemoteManagerLink(rpc, OtherManagers));

    /// <summary>
    /// The managers this node can turn to: the list its heartbeats last brought, and for a manager also the raft members
    /// and managers its own store knows. A leader demoted right after a promotion has not had a heartbeat naming the
    /// new managers; once out of raft, its store names no leader, and without them it would know nobody to ask.
    /// </summary>
    private IReadOnlyList<string> OtherManagers()
    {
        var known = Store is { } store ? managers.Concat(store.Members.Select(m => m.Address)).Concat(JoinAuthority.ManagerAddresses(store.Current)) : managers;
        return known.Where(m => m != State.AdvertiseAddr).Distinct().ToList();
    }

    /// <summary>True once this node was stopped (disposed, or replaced after a role change).</summary>
    public bool IsStopped => lifetime.IsCancellationRequested;

    private void OnRoleObserved(string role)
    {
        if (role == State.Role || lifetime.IsCancellationRequested || env.RoleChangeNeeded is not { } handler)
            return;
        if (Interlocked.Exchange(ref changingRole, 1) == 0)
            handler(this, role);
    }

    /// <summary>
    /// Turns this node into a node of <paramref name="role"/>: gets the certificate, stops this node and returns the one
    /// that replaces it. Before this node is stopped a failure leaves it running (the next heartbeat tries again); after,
    /// the node resumes as <c>state.json</c> records it.
    /// </summary>
    public async Task<SwarmNode> ChangeRoleAsync(string role, CancellationToken cancellationToken)
    {
        RenewResponse answer;
        NodeCredentials next;
        try
        {
            using var key = NodeKey.Create();
            answer = await RequestCertificateAsync(key, cancellationToken).ConfigureAwait(false);
            if (answer.Role != role)
                throw BerthException.Unavailable($"the swarm holds node {State.NodeId} to be a {answer.Role} now");
            next = NodeCredentials.Create(key, answer.CertificatePem, answer.RootCaPem);
        }
        catch
        {
            Volatile.Write(ref changingRole, 0);
            throw;
        }
        await env.Log.WriteLineAsync($"swarm: this node is now a {role}; restarting its swarm membership as one").ConfigureAwait(false);
        var unlock = sealedWith.Length == 0 ? null : UnlockKey.Parse(sealedWith);
        var previous = State;
        await DisposeAsync().ConfigureAwait(false);
        try
        {
            return role == NodeRoles.Manager
                ? await PromotedAsync(env, previous, next, answer, cancellationToken).ConfigureAwait(false)
                : await DemotedAsync(env, previous, next, answer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await env.Log.WriteLineAsync($"swarm: becoming a {role} failed, resuming as recorded: {e.Message}").ConfigureAwait(false);
            var recorded = await NodeStateFile.LoadAsync(env.Directory, CancellationToken.None).ConfigureAwait(false) ?? previous;
            return await ResumeAsync(env, recorded, recorded.Locked ? unlock : null, forceNewCluster: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Any manager forwards to the leader; a demoted manager's own store may not know the leader any more, so it asks itself last.
    private async Task<RenewResponse> RequestCertificateAsync(NodeKey key, CancellationToken cancellationToken)
    {
        var request = new RenewRequest(State.NodeId, key.CreateSigningRequestPem(), State.AdvertiseAddr);
        var candidates = IsManager ? OtherManagers().Append(State.AdvertiseAddr) : managers;
        BerthException? last = null;
        foreach (var address in candidates.Distinct())
        {
            try
            {
                return await rpc.CallAsync<RenewResponse>(address, RpcMethods.RenewCertificate, request, cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException e) when (e.Kind == BerthErrorKind.Unavailable)
            {
                last = e;
            }
        }
        throw last ?? BerthException.Unavailable("no manager of the swarm is known to this node");
    }

    private static async Task<SwarmNode> PromotedAsync(NodeEnvironment env, NodeState previous, NodeCredentials credentials, RenewResponse answer, CancellationToken cancellationToken)
    {
        var listen = SwarmAddresses.Listen(previous.ListenAddr);
        var state = previous with { Role = NodeRoles.Manager, ListenAddr = listen.ToString(), Managers = answer.Managers, Locked = false };
        var node = new SwarmNode(env, state, credentials);
        try
        {
            var dataKey = Convert.FromBase64String(answer.DataKey ?? throw BerthException.Unavailable("the manager did not hand over the raft data key"));
            // A log left by an earlier term as manager would not match the members' log: a joining member starts empty.
            EraseRaft(env);
            DataKeyFile.Save(env.Directory, dataKey, null);
            credentials.Save(env.CertificatesDirectory);
            await NodeStateFile.SaveAsync(env.Directory, state, cancellationToken).ConfigureAwait(false);
            await node.StartManagerAsync(StoreStart.Join, dataKey, cancellationToken).ConfigureAwait(false);
            node.StartMembership();
            node.StartAgent();
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<SwarmNode> DemotedAsync(NodeEnvironment env, NodeState previous, NodeCredentials credentials, RenewResponse answer, CancellationToken cancellationToken)
    {
        var state = previous with { Role = NodeRoles.Worker, Managers = answer.Managers.Where(m => m != previous.AdvertiseAddr).ToList(), Locked = false };
        var node = new SwarmNode(env, state, credentials);
        try
        {
            credentials.Save(env.CertificatesDirectory);
            await NodeStateFile.SaveAsync(env.Directory, state, cancellationToken).ConfigureAwait(false);
            EraseRaft(env);
            File.Delete(Path.Combine(env.Directory, DataKeyFile.Name));
            node.StartAgent();
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void EraseRaft(NodeEnvironment env)
    {
        if (Directory.Exists(env.RaftDirectory))
            Directory.Delete(env.RaftDirectory, recursive: true);
    }

    private void StartMembership() => membership = Task.Run(() => EnsureMemberAsync(lifetime.Token), CancellationToken.None);

    /// <summary>
    /// A manager that is no raft member (promoted, or resumed after a crash before the leader added it) asks the leader
    /// through the other managers to add it, until it is one; refused (no longer a manager), it leaves it to the heartbeat.
    /// </summary>
    private async Task EnsureMemberAsync(CancellationToken cancellationToken)
    {
        var request = new MemberRequest(State.AdvertiseAddr, State.NodeId);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Store is not { } store || store.Members.Any(m => m.Address == State.AdvertiseAddr))
                return;
            foreach (var address in OtherManagers())
            {
                try
                {
                    await rpc.CallAsync(address, RpcMethods.AddMember, request, cancellationToken).ConfigureAwait(false);
                    await store.ReadAsync(cancellationToken).ConfigureAwait(false);
                    await env.Log.WriteLineAsync($"swarm: this manager joined the raft members through {address}").ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (BerthException e) when (e.Kind == BerthErrorKind.InvalidParameter)
                {
                    await env.Log.WriteLineAsync($"swarm: not added to the raft members: {e.Message}").ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is BerthException or IOException or ObjectDisposedException)
                {
                    await env.Log.WriteLineAsync($"swarm: asking {address} to add this manager to raft failed: {e.Message}").ConfigureAwait(false);
                }
            }
            try
            {
                await Task.Delay(MemberRetry, env.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
