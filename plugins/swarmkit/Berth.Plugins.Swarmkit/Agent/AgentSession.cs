using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk;
using Berth.Sdk.Kernel;

namespace Berth.Plugins.Swarmkit.Agent;

/// <summary>
/// This node's session with the managers: heartbeats at the period the dispatcher asks for, carrying the node's
/// description; the manager list it learns keeps a worker connected when managers come and go.
/// </summary>
public sealed class AgentSession(string nodeId, string addr, IManagerLink link, IKernelHost kernel, TimeProvider time, TextWriter log)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Raised with the managers the dispatcher names on each heartbeat.</summary>
    public event Action<IReadOnlyList<string>>? ManagersChanged;

    /// <summary>Raised with the role the leader holds this node to have, on each heartbeat that carries it.</summary>
    public event Action<string>? RoleObserved;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        NodeDescription? description = null;
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = RetryDelay;
            try
            {
                description ??= await NodeDescriber.DescribeAsync(kernel, cancellationToken).ConfigureAwait(false);
                var answer = await link.HeartbeatAsync(new HeartbeatRequest(nodeId, description, addr), cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(answer.PeriodMs);
                if (answer.Managers.Count > 0)
                    ManagersChanged?.Invoke(answer.Managers);
                if (answer.Role is { } role)
                    RoleObserved?.Invoke(role);
                if (failing)
                    await log.WriteLineAsync("swarm: heartbeats reach the managers again").ConfigureAwait(false);
                failing = false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is BerthException or IOException)
            {
                if (!failing)
                    await log.WriteLineAsync($"swarm: heartbeat failed: {e.Message}").ConfigureAwait(false);
                failing = true;
            }
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
