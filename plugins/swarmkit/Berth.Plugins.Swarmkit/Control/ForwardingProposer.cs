using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>
/// Proposes on the leader: locally when this manager leads, otherwise over the control channel; then waits
/// until this manager has applied the batch, so a read right after a write sees it.
/// </summary>
public sealed class ForwardingProposer(IClusterStore store, LeaderCalls leader, TimeProvider time) : IProposer
{
    private static readonly TimeSpan ApplyWait = TimeSpan.FromSeconds(10);

    public ClusterState Current => store.Current;

    public async Task<ClusterState> ProposeAsync(IReadOnlyList<StoreOp> ops, CancellationToken cancellationToken)
    {
        var command = new StoreCommand(time.GetUtcNow().UtcDateTime, ops);
        var index = await leader.CallAsync(
            RpcMethods.Propose, command,
            async ct => (await store.ProposeAsync(command, ct).ConfigureAwait(false)).State.Index,
            cancellationToken).ConfigureAwait(false);
        return await WaitForIndexAsync(index, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClusterState> WaitForIndexAsync(long index, CancellationToken cancellationToken)
    {
        try
        {
            return await store.WaitForAsync(s => s.Index >= index, cancellationToken).WaitAsync(ApplyWait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw BerthException.Unavailable("the change was accepted by the leader but has not reached this manager yet; retry the read");
        }
    }
}
