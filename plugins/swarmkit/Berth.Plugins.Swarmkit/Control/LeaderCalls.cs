using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Runs a leader-only operation here when this manager leads, or forwards it to the leader (swarmkit's raft proxy).</summary>
public sealed class LeaderCalls(IClusterStore store, RpcClient rpc)
{
    public const string NoLeader =
        "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

    private const int Attempts = 3;

    public async Task<T> CallAsync<T>(string method, object request, Func<CancellationToken, Task<T>> local, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (store.IsLeader)
                    return await local(cancellationToken).ConfigureAwait(false);
                var leader = store.LeaderAddress ?? throw BerthException.Unavailable(NoLeader);
                return await rpc.CallAsync<T>(leader, method, request, cancellationToken).ConfigureAwait(false);
            }
            catch (NotLeaderException) when (attempt < Attempts)
            {
                // Leadership moved between the check and the call, here or on the manager called.
            }
            catch (NotLeaderException)
            {
                throw BerthException.Unavailable(NoLeader);
            }
        }
    }

    public Task CallAsync(string method, object request, Func<CancellationToken, Task> local, CancellationToken cancellationToken) =>
        CallAsync<object?>(method, request, async ct =>
        {
            await local(ct).ConfigureAwait(false);
            return null;
        }, cancellationToken);
}
