using Berth.Kernel.Containers;

namespace Berth.Kernel.Tests.Containers;

public class ContainerWaitersTests
{
    private const string Web = "web-id";
    private const string Db = "db-id";

    [Test]
    public async Task NextExitAsync_ContainerExits_CompletesWithTheExitResult()
    {
        var waiters = new ContainerWaiters();
        var wait = waiters.NextExitAsync(Web);

        waiters.Exited(Web, new ExitResult(3, null));

        Assert.That(await Wait.Within(wait), Is.EqualTo(new ExitResult(3, null)));
    }

    [Test]
    public void NextExitAsync_NothingHappened_StaysPending()
    {
        var waiters = new ContainerWaiters();

        var wait = waiters.NextExitAsync(Web);

        Assert.That(wait.IsCompleted, Is.False);
    }

    [Test]
    public async Task Exited_SeveralWaiters_CompletesEveryOne()
    {
        var waiters = new ContainerWaiters();
        var first = waiters.NextExitAsync(Web);
        var second = waiters.NextExitAsync(Web);

        waiters.Exited(Web, new ExitResult(0, null));

        Assert.That(await Wait.Within(Task.WhenAll(first, second)), Is.EqualTo(new[] { new ExitResult(0, null), new ExitResult(0, null) }));
    }

    [Test]
    public async Task Exited_OtherContainer_LeavesTheWaiterPending()
    {
        var waiters = new ContainerWaiters();
        var web = waiters.NextExitAsync(Web);
        var db = waiters.NextExitAsync(Db);

        waiters.Exited(Db, new ExitResult(1, null));

        Assert.That(await Wait.Within(db), Is.EqualTo(new ExitResult(1, null)));
        Assert.That(web.IsCompleted, Is.False);
    }

    [Test]
    public async Task Exited_OnlyReleasesWaitersRegisteredBefore_NextExitMeansTheNextOne()
    {
        var waiters = new ContainerWaiters();
        var before = waiters.NextExitAsync(Web);
        waiters.Exited(Web, new ExitResult(1, null));

        var after = waiters.NextExitAsync(Web);

        Assert.That(await Wait.Within(before), Is.EqualTo(new ExitResult(1, null)));
        Assert.That(after.IsCompleted, Is.False);
        waiters.Exited(Web, new ExitResult(2, null));
        Assert.That(await Wait.Within(after), Is.EqualTo(new ExitResult(2, null)));
    }

    [Test]
    public void Exited_DoesNotCompleteRemovalWaiters()
    {
        var waiters = new ContainerWaiters();
        var removal = waiters.RemovalAsync(Web);

        waiters.Exited(Web, new ExitResult(0, null));

        Assert.That(removal.IsCompleted, Is.False);
    }

    [Test]
    public async Task Removed_CompletesBothExitAndRemovalWaiters()
    {
        var waiters = new ContainerWaiters();
        var exit = waiters.NextExitAsync(Web);
        var removal = waiters.RemovalAsync(Web);

        waiters.Removed(Web, new ExitResult(137, "killed"));

        Assert.That(await Wait.Within(Task.WhenAll(exit, removal)), Is.EqualTo(new[] { new ExitResult(137, "killed"), new ExitResult(137, "killed") }));
    }

    [Test]
    public void Exited_NobodyWaiting_DoesNothing()
    {
        var waiters = new ContainerWaiters();

        Assert.DoesNotThrow(() =>
        {
            waiters.Exited(Web, new ExitResult(0, null));
            waiters.Removed(Web, new ExitResult(0, null));
        });
        Assert.That(waiters.NextExitAsync(Web).IsCompleted, Is.False);
    }
}
