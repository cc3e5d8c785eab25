namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// A single-member store without a log: batches apply at once, in order. For orchestration tests and the
/// in-process scheduler benchmark; the daemon always uses the replicated store.
/// </summary>
public sealed class MemoryClusterStore : IClusterStore
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource leadership = new();
    private ClusterState state;

    public MemoryClusterStore(ClusterState? initial = null) => state = initial ?? ClusterState.Empty;

    public ClusterState Current => Volatile.Read(ref state);
    public bool IsLeader => true;
    public string? LeaderAddress => "memory";
    public IReadOnlyList<MemberInfo> Members => [new("memory", true, true)];

    public event Action<StoreCommitted>? Committed;
    public event Action<LeadershipChange>? LeadershipChanged;

    /// <summary>Tells subscribers this member leads (call once they are wired).</summary>
    public void AnnounceLeadership() => LeadershipChanged?.Invoke(new LeadershipChange(true, LeaderAddress, leadership.Token));

    public async Task<ApplyResult> ProposeAsync(StoreCommand command, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ApplyResult result;
        try
        {
            result = Current.Apply(command, Current.Index + 1);
            Volatile.Write(ref state, result.State);
        }
        finally
        {
            gate.Release();
        }
        Committed?.Invoke(new StoreCommitted(result.State.Index, result.State, result.Changes));
        if (result.Error is { } error)
            throw error.ToException();
        return result;
    }

    public Task<ClusterState> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Current);

    public Task AddMemberAsync(string address, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the in-memory store has a single member");

    public Task RemoveMemberAsync(string address, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the in-memory store has a single member");

    public Task TransferLeadershipAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("the in-memory store has a single member");

    public async ValueTask DisposeAsync()
    {
        await leadership.CancelAsync().ConfigureAwait(false);
        leadership.Dispose();
        gate.Dispose();
    }
}
