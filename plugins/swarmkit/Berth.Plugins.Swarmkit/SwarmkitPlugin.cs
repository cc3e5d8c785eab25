using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Membership;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Berth.Sdk;
using Berth.Sdk.Cluster;

[assembly: Berth.Sdk.BerthPlugin(typeof(Berth.Plugins.Swarmkit.SwarmkitPlugin))]

namespace Berth.Plugins.Swarmkit;

/// <summary>
/// The swarm-mode cluster backend: this daemon's membership in a swarm (init, join, leave, unlock), and on
/// managers the object API; the kernel's agent gets its assignments and reports task states through it.
/// </summary>
public sealed partial class SwarmkitPlugin : IClusterBackend, IAsyncDisposable
{
    private const string AlreadyInSwarm = "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.";
    private const string NotInSwarm = "This node is not part of a swarm";
    private const string NotManagerMessage =
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";
    private const string WorkerMessage =
        "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
    private const string LockedMessage =
        "Swarm is encrypted and needs to be unlocked before it can be used. Please use \"docker swarm unlock\" to unlock it.";
    private static readonly TimeSpan AssignmentsWait = TimeSpan.FromSeconds(20);

    private readonly NodeEnvironment env;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Task resumed;
    private SwarmNode? node;
    private NodeState? locked;
    private string error = "";

    public SwarmkitPlugin(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        env = new NodeEnvironment(Path.Combine(context.Root, "swarm"), context.Kernel, TimeProvider.System, context.Log)
        {
            RoleChangeNeeded = OnRoleChangeNeeded,
        };
        resumed = Task.Run(ResumeAsync);
    }

    private async Task ResumeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var state = await NodeStateFile.LoadAsync(env.Directory, CancellationToken.None).ConfigureAwait(false);
            if (state is null)
                return;
            if (state.Locked)
            {
                locked = state;
                return;
            }
            node = await SwarmNode.ResumeAsync(env, state, null, forceNewCluster: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e.Message;
            await env.Log.WriteLineAsync($"swarm: could not resume this node's swarm membership: {e}").ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        var current = node;
        if (current is null)
        {
            if (locked is not null)
                return new SwarmStatus("locked", locked.NodeId, SwarmAddresses.HostOf(locked.AdvertiseAddr), false, "", []);
            return new SwarmStatus(error.Length > 0 ? "error" : "inactive", "", "", false, error, []);
        }
        var host = SwarmAddresses.HostOf(current.State.AdvertiseAddr);
        if (current.Store is not { } store)
            return new SwarmStatus("active", current.State.NodeId, host, false, "", current.State.Managers.Select(a => new SwarmPeer("", a)).ToList());
        var state = store.Current;
        var managers = state.Nodes.Values.Where(n => n.Spec.Role == NodeRoles.Manager).ToList();
        var peers = managers.Where(n => n.ManagerStatus is not null).Select(n => new SwarmPeer(n.ID, n.ManagerStatus!.Addr)).ToList();
        return new SwarmStatus("active", current.State.NodeId, host, true, "", peers, state.Nodes.Count, managers.Count, ClusterInfo(state.Cluster));
    }

    private static JsonElement? ClusterInfo(ClusterObject? cluster)
    {
        if (cluster is null)
            return null;
        var json = JsonSerializer.SerializeToNode(cluster, SwarmJson.Options)!.AsObject();
        json.Remove("JoinTokens");
        return JsonSerializer.SerializeToElement(json);
    }

    public async Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var init = SwarmJson.From<InitRequest>(request);
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (init.ForceNewCluster && (node?.IsManager == true || locked is not null))
                return await ForceNewClusterAsync(cancellationToken).ConfigureAwait(false);
            if (node is not null || locked is not null)
                throw BerthException.Unavailable(AlreadyInSwarm);
            node = await SwarmNode.InitAsync(env, init, cancellationToken).ConfigureAwait(false);
            error = "";
            return node.State.NodeId;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> ForceNewClusterAsync(CancellationToken cancellationToken)
    {
        if (locked is not null)
            throw BerthException.Unavailable(LockedMessage);
        var state = node!.State;
        await node.DisposeAsync().ConfigureAwait(false);
        node = null;
        node = await SwarmNode.ResumeAsync(env, state, null, forceNewCluster: true, cancellationToken).ConfigureAwait(false);
        return state.NodeId;
    }

    public async Task JoinAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var join = SwarmJson.From<JoinSwarmRequest>(request);
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (node is not null || locked is not null)
                throw BerthException.Unavailable(AlreadyInSwarm);
            node = await SwarmNode.JoinAsync(env, join, cancellationToken).ConfigureAwait(false);
            error = "";
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task LeaveAsync(bool force, CancellationToken cancellationToken)
    {
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (locked is not null && force)
            {
                locked = null;
                if (Directory.Exists(env.Directory))
                    Directory.Delete(env.Directory, recursive: true);
                return;
            }
            var current = node ?? throw BerthException.Unavailable(NotInSwarm);
            await current.LeaveAsync(force, cancellationToken).ConfigureAwait(false);
            node = null;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<JsonElement> InspectAsync(CancellationToken cancellationToken)
    {
        var manager = await ManagerAsync(cancellationToken).ConfigureAwait(false);
        var cluster = manager.Proposer.Current.Cluster ?? throw BerthException.Unavailable("the swarm is still being created");
        return SwarmJson.ToElement(cluster);
    }

    public async Task<NodeAssignments> GetAssignmentsAsync(string knownRevision, CancellationToken cancellationToken)
    {
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (node is not { } current)
            return new NodeAssignments("", "", [], new Dictionary<string, string>(), [], []);
        return await current.Link.AssignmentsAsync(new AssignmentsRequest(current.State.NodeId, knownRevision, (long)AssignmentsWait.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
    }

    public async Task ReportTaskStatusAsync(IReadOnlyList<TaskStatusReport> reports, CancellationToken cancellationToken)
    {
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        var current = node ?? throw BerthException.Unavailable(NotInSwarm);
        await current.Link.ReportAsync(new TaskStatusRequest(current.State.NodeId, reports), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream> ReadTaskLogsAsync(TaskLogsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await ManagerAsync(cancellationToken).ConfigureAwait(false);
        var broker = node?.Logs ?? throw BerthException.Unavailable(WorkerMessage);
        return await broker.OpenAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonElement> ListAsync(string kind, JsonElement filters, CancellationToken cancellationToken) =>
        (await ManagerAsync(cancellationToken).ConfigureAwait(false)).Control.List(kind, filters);

    public async Task<JsonElement> GetAsync(string kind, string idOrName, CancellationToken cancellationToken) =>
        (await ManagerAsync(cancellationToken).ConfigureAwait(false)).Control.Get(kind, idOrName);

    public async Task<JsonElement> CreateAsync(string kind, JsonElement spec, CancellationToken cancellationToken) =>
        await (await ManagerAsync(cancellationToken).ConfigureAwait(false)).Control.CreateAsync(kind, spec, cancellationToken).ConfigureAwait(false);

    public async Task<JsonElement> UpdateObjectAsync(string kind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken) =>
        await (await ManagerAsync(cancellationToken).ConfigureAwait(false)).Control.UpdateAsync(kind, idOrName, version, spec, cancellationToken).ConfigureAwait(false);

    public async Task RemoveAsync(string kind, string idOrName, bool force, CancellationToken cancellationToken) =>
        await (await ManagerAsync(cancellationToken).ConfigureAwait(false)).Control.RemoveAsync(kind, idOrName, force, cancellationToken).ConfigureAwait(false);

    private async Task<ManagerServices> ManagerAsync(CancellationToken cancellationToken)
    {
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (locked is not null)
            throw BerthException.Unavailable(LockedMessage);
        return node switch
        {
            null => throw BerthException.Unavailable(NotManagerMessage),
            { Manager: { } manager } => manager,
            _ => throw BerthException.Unavailable(WorkerMessage),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await resumed.ConfigureAwait(false);
        // A role change in progress finishes first, so the node it starts is the one stopped.
        await gate.WaitAsync().ConfigureAwait(false);
        if (node is not null)
            await node.DisposeAsync().ConfigureAwait(false);
        node = null;
        gate.Release();
        gate.Dispose();
    }
}
