namespace Berth.Plugins.Swarmkit.Store;

public static class ClusterStoreWaits
{
    /// <summary>The first applied state, the current one included, for which <paramref name="condition"/> holds.</summary>
    public static async Task<ClusterState> WaitForAsync(this IClusterStore store, Func<ClusterState, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(condition);
        var signal = NewSignal();
        void OnCommitted(StoreCommitted _) => Interlocked.Exchange(ref signal, NewSignal()).TrySetResult();
        store.Committed += OnCommitted;
        try
        {
            while (true)
            {
                // The signal is read before the state: a commit in between completes it, so none is missed.
                var next = Volatile.Read(ref signal).Task;
                var state = store.Current;
                if (condition(state))
                    return state;
                await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            store.Committed -= OnCommitted;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
