using System.Text.Json;
using Berth.Kernel.Cluster.Agent;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster;

/// <summary>
/// This daemon's side of <c>swarm init</c>, <c>join</c> and <c>leave</c>: the cluster backend does the work; then the
/// kernel records the membership (<see cref="SwarmMarker"/>) and runs or stops the task agent. On leave, as Moby does,
/// every container carrying <see cref="SwarmLabels.Task"/> is force-removed. Outside a swarm the backend is not even
/// started (it costs a process): calls that need one are refused with Moby's messages.
/// </summary>
public sealed class ClusterMembership(
    IClusterBackend backend,
    SwarmMarker marker,
    ISwarmAgent agent,
    ITaskContainers containers,
    TaskFileStore files,
    TimeProvider time,
    IClusterBackendProcess process)
{
    public const string NotManagerMessage =
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";

    public const string NotInSwarmMessage = "This node is not part of a swarm";

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile bool stopping;

    /// <summary>The node joined a swarm (and has not left it since).</summary>
    public bool IsMember => marker.Exists;

    /// <summary>The backend, for calls that need a swarm: refused with Moby's "not a swarm manager" while there is none.</summary>
    public IClusterBackend Manager() => IsMember || process.IsRunning ? backend : throw BerthException.Unavailable(NotManagerMessage);

    public async Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string nodeId;
            try
            {
                nodeId = await backend.InitAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException)
            {
                await JoinedAnywayAsync().ConfigureAwait(false);
                throw;
            }
            await BecomeMemberAsync(nodeId).ConfigureAwait(false);
            return nodeId;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task JoinAsync(JsonElement request, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await backend.JoinAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException)
            {
                await JoinedAnywayAsync().ConfigureAwait(false); // e.g. a join that timed out but goes on in the background, as Moby's
                throw;
            }
            await BecomeMemberAsync(await NodeIdAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The backend leaves first; only then the agent stops and the task containers go.</summary>
    public async Task LeaveAsync(bool force, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsMember && !process.IsRunning) throw BerthException.Unavailable(NotInSwarmMessage);
            await backend.LeaveAsync(force, cancellationToken).ConfigureAwait(false);
            await ForgetAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// At daemon start, once containers are restored: a node that was in a swarm starts the backend and the agent. A
    /// backend that says it is in no swarm means a leave was interrupted after the backend left: it is finished now.
    /// </summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (stopping || !IsMember) return;
            try
            {
                var status = await backend.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                if (status.LocalNodeState == "inactive")
                {
                    Serilog.Log.Warning("the cluster backend is in no swarm: finishing the swarm leave that was interrupted");
                    await ForgetAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("the cluster backend did not answer at start ({Message}); the swarm agent retries", ex.Message);
            }
            agent.Start();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>At daemon shutdown: the agent stops and does not start again; containers and the membership stay.</summary>
    public async Task StopAsync()
    {
        stopping = true;
        await gate.WaitAsync().ConfigureAwait(false); // a resume, init or join in flight ends first (their calls are cancelled with the daemon)
        try
        {
            await agent.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task BecomeMemberAsync(string nodeId)
    {
        await marker.WriteAsync(nodeId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        if (!stopping) agent.Start();
    }

    private async Task JoinedAnywayAsync()
    {
        try
        {
            var status = await backend.GetStatusAsync(CancellationToken.None).ConfigureAwait(false);
            if (status.LocalNodeState is "active" or "pending" or "locked") await BecomeMemberAsync(status.NodeId).ConfigureAwait(false);
        }
        catch (BerthException)
        {
        }
    }

    private async Task<string> NodeIdAsync()
    {
        try
        {
            return (await backend.GetStatusAsync(CancellationToken.None).ConfigureAwait(false)).NodeId;
        }
        catch (BerthException)
        {
            return "";
        }
    }

    private async Task ForgetAsync()
    {
        await agent.StopAsync().ConfigureAwait(false);
        foreach (var container in containers.List())
        {
            try
            {
                await containers.RemoveAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BerthException ex) when (ex.Kind != BerthErrorKind.NotFound)
            {
                Serilog.Log.Warning("swarm leave: removing task container {Name}: {Message}", container.Name, ex.Message);
            }
            catch (BerthException)
            {
            }
        }
        files.Prune(new HashSet<string>());
        marker.Delete();
        // Outside a swarm the backend costs a process for nothing; a later init or join starts it again.
        await process.StopAsync().ConfigureAwait(false);
    }
}
