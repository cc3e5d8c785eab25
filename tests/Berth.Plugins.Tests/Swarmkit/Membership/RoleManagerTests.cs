using Berth.Plugins.Swarmkit.Membership;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Tests.Swarmkit.Membership;

public class RoleManagerTests
{
    private static Task Create(IClusterStore store, Node node) =>
        store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(node)]), CancellationToken.None);

    [Test]
    public async Task RunAsync_PromotedAndDemotedNodes_ObservedRolesFollowSpecs()
    {
        await using var store = new MemoryClusterStore();
        await Create(store, new Node { ID = "up", Spec = new NodeSpec { Role = NodeRoles.Manager }, Role = NodeRoles.Worker });
        await Create(store, new Node
        {
            ID = "down",
            Spec = new NodeSpec { Role = NodeRoles.Worker },
            Role = NodeRoles.Manager,
            ManagerStatus = new ManagerStatus(false, "unreachable", "10.0.0.9:2377"),
        });
        await using var roles = new RoleManager(store, TimeProvider.System, TextWriter.Null);

        store.AnnounceLeadership();

        await Wait.Eventually(() => store.Current.Nodes["up"].Role == NodeRoles.Manager && store.Current.Nodes["down"].Role == NodeRoles.Worker, "both roles settled");
        Assert.That(store.Current.Nodes["down"].ManagerStatus, Is.Null);
    }

    [Test]
    public async Task RunAsync_SpecChangedAfterLeadershipStarted_Reconciled()
    {
        await using var store = new MemoryClusterStore();
        await using var roles = new RoleManager(store, TimeProvider.System, TextWriter.Null);
        store.AnnounceLeadership();
        await Create(store, new Node { ID = "w", Spec = new NodeSpec { Role = NodeRoles.Worker }, Role = NodeRoles.Worker });

        var node = store.Current.Nodes["w"];
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Update(node with { Spec = node.Spec with { Role = NodeRoles.Manager } })]), CancellationToken.None);

        await Wait.Eventually(() => store.Current.Nodes["w"].Role == NodeRoles.Manager, "the promotion settled");
    }

    [Test]
    public async Task RunAsync_LeaderDemoted_TransferOutlivesTheTermItEnds()
    {
        await using var store = new ResigningStore();
        await Create(store, new Node
        {
            ID = "self",
            Spec = new NodeSpec { Role = NodeRoles.Worker },
            Role = NodeRoles.Manager,
            ManagerStatus = new ManagerStatus(true, "reachable", ResigningStore.Self),
        });
        await using var roles = new RoleManager(store, TimeProvider.System, TextWriter.Null);

        store.AnnounceLeadership();

        var tokenAfterResigning = await store.Transferred.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(tokenAfterResigning.IsCancellationRequested, Is.False, "the transfer still stands by once the resignation ended the term");
    }

    /// <summary>Three members led by this one; a transfer resigns (ending the term) and reports the token it was given.</summary>
    private sealed class ResigningStore : IClusterStore
    {
        public const string Self = "10.0.0.1:2377";
        private readonly MemoryClusterStore inner = new();
        private readonly CancellationTokenSource term = new();

        public TaskCompletionSource<CancellationToken> Transferred { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ClusterState Current => inner.Current;
        public bool IsLeader => !term.IsCancellationRequested;
        public string? LeaderAddress => IsLeader ? Self : null;
        public IReadOnlyList<MemberInfo> Members => [new(Self, IsLeader, true), new("10.0.0.2:2377", false, true), new("10.0.0.3:2377", false, true)];

        public event Action<StoreCommitted>? Committed
        {
            add => inner.Committed += value;
            remove => inner.Committed -= value;
        }

        public event Action<LeadershipChange>? LeadershipChanged;

        public void AnnounceLeadership() => LeadershipChanged?.Invoke(new LeadershipChange(true, Self, term.Token));

        public Task<ApplyResult> ProposeAsync(StoreCommand command, CancellationToken cancellationToken) => inner.ProposeAsync(command, cancellationToken);
        public Task<ClusterState> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);
        public Task AddMemberAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RemoveMemberAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async Task TransferLeadershipAsync(CancellationToken cancellationToken)
        {
            await term.CancelAsync();
            Transferred.TrySetResult(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            term.Dispose();
            await inner.DisposeAsync();
        }
    }
}
