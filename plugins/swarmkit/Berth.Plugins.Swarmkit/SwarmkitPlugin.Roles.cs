using Berth.Plugins.Swarmkit.Membership;

namespace Berth.Plugins.Swarmkit;

/// <summary><c>docker node promote</c> / <c>demote</c> reaching this node: the node is replaced by one of its new role.</summary>
public sealed partial class SwarmkitPlugin
{
    // Raised from the node's heartbeat loop, which the change stops: run it apart.
    private void OnRoleChangeNeeded(SwarmNode current, string role) => _ = Task.Run(() => ChangeRoleAsync(current, role));

    private async Task ChangeRoleAsync(SwarmNode current, string role)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(node, current))
                return;
            node = await current.ChangeRoleAsync(role, CancellationToken.None).ConfigureAwait(false);
            error = "";
        }
        catch (Exception e)
        {
            await env.Log.WriteLineAsync($"swarm: could not change this node's role to {role}: {e.Message}").ConfigureAwait(false);
            // Stopped and not resumed: report the error as Docker does for a node that failed to start.
            if (ReferenceEquals(node, current) && current.IsStopped)
            {
                node = null;
                error = e.Message;
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
