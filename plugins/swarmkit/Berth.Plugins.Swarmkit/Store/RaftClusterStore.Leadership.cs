using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Store;

public sealed partial class RaftClusterStore
{
    /// <summary>
    /// DotNext has no leadership transfer: the leader resigns and at once stands by (it cannot be elected while another
    /// member takes over), then returns to normal once another member leads. The new leader's role manager removes it.
    /// </summary>
    public async Task TransferLeadershipAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (!IsLeader)
            return;
        using var timeout = new CancellationTokenSource(options.EffectiveQuorumTimeout + options.EffectiveQuorumTimeout, options.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, lifetime.Token);
        var standing = false;
        try
        {
            await ((DotNext.Net.Cluster.ICluster)cluster).ResignAsync(bounded.Token).ConfigureAwait(false);
            standing = await cluster.EnableStandbyModeAsync(bounded.Token).ConfigureAwait(false);
            while (cluster.Leader is not { IsRemote: true })
            {
                var changed = Volatile.Read(ref leaderChanged).Task;
                await changed.WaitAsync(LeaderPoll, options.Time, bounded.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                bounded.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw lifetime.IsCancellationRequested ? ShuttingDown() : new BerthException(BerthErrorKind.Unavailable, "no other manager took over the leadership in time");
        }
        finally
        {
            if (standing && Volatile.Read(ref disposed) == 0)
                await RevertToNormalModeAsync().ConfigureAwait(false);
        }
    }

    private async Task RevertToNormalModeAsync()
    {
        try
        {
            await cluster.RevertToNormalModeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}
