using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Tests.Swarmkit.Store;

public class ClusterStoreWaitsTests
{
    private static Task Propose(MemoryClusterStore store, StoredObject value) =>
        store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(value)]), CancellationToken.None);

    [Test]
    public async Task WaitForAsync_AlreadyTrue_AnswersTheCurrentState()
    {
        await using var store = new MemoryClusterStore();

        var state = await store.WaitForAsync(_ => true, CancellationToken.None);

        Assert.That(state, Is.SameAs(store.Current));
    }

    [Test]
    public async Task WaitForAsync_TrueAfterACommit_AnswersThatState()
    {
        await using var store = new MemoryClusterStore();
        var waiting = store.WaitForAsync(s => s.Nodes.ContainsKey("n2"), CancellationToken.None);
        await Propose(store, new Node { ID = "n1" });
        Assert.That(waiting.IsCompleted, Is.False, "a commit that does not satisfy the condition");

        await Propose(store, new Node { ID = "n2" });
        var state = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(state.Nodes.Keys, Is.EquivalentTo(new[] { "n1", "n2" }));
    }

    [Test]
    public async Task WaitForAsync_Cancelled_ThrowsAndUnsubscribes()
    {
        await using var store = new MemoryClusterStore();
        using var cancel = new CancellationTokenSource();
        var calls = 0;
        var waiting = store.WaitForAsync(_ => ++calls > 100, cancel.Token);

        await cancel.CancelAsync();

        Assert.ThrowsAsync<TaskCanceledException>(() => waiting);
        var before = calls;
        await Propose(store, new Node { ID = "n1" });
        Assert.That(calls, Is.EqualTo(before), "no longer evaluated after cancellation");
    }
}
