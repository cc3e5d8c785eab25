using Berth.Kernel.Containers;

namespace Berth.Kernel.Tests.Containers;

public class AttachRendezvousTests
{
    private const string Id = "c0ffee";
    private const string Socket = "/run/berth/c0ffee/attach";

    [Test]
    public async Task ReleaseAsync_RegisteredAttacher_LearnsTheSocketPath()
    {
        var rendezvous = new AttachRendezvous();
        var attacher = rendezvous.Register(Id);
        attacher.Connected.SetResult();

        await Wait.Within(rendezvous.ReleaseAsync(Id, Socket, CancellationToken.None));

        Assert.That(await Wait.Within(attacher.Ready.Task), Is.EqualTo(Socket));
    }

    [Test]
    public async Task ReleaseAsync_WaitsUntilEveryAttacherConnected()
    {
        var rendezvous = new AttachRendezvous();
        var first = rendezvous.Register(Id);
        var second = rendezvous.Register(Id);

        var release = rendezvous.ReleaseAsync(Id, Socket, CancellationToken.None);
        await Wait.Within(Task.WhenAll(first.Ready.Task, second.Ready.Task));
        first.Connected.SetResult();
        var stillWaiting = !release.IsCompleted;
        second.Connected.SetResult();
        await Wait.Within(release);

        Assert.Multiple(() =>
        {
            Assert.That(stillWaiting, Is.True, "released before the second attacher connected");
            Assert.That(release.IsCompletedSuccessfully, Is.True);
        });
    }

    [Test]
    public async Task ReleaseAsync_AttacherNeverConnects_StopsWaitingWhenCancelled()
    {
        var rendezvous = new AttachRendezvous();
        var attacher = rendezvous.Register(Id);
        using var cancel = new CancellationTokenSource();

        var release = rendezvous.ReleaseAsync(Id, Socket, cancel.Token);
        await cancel.CancelAsync();
        await Wait.Within(release);

        Assert.Multiple(() =>
        {
            Assert.That(release.IsCompletedSuccessfully, Is.True);
            Assert.That(attacher.Ready.Task.IsCompletedSuccessfully, Is.True);
        });
    }

    [Test]
    public async Task ReleaseAsync_NobodyRegistered_ReturnsAtOnce()
    {
        var rendezvous = new AttachRendezvous();

        var release = rendezvous.ReleaseAsync(Id, Socket, CancellationToken.None);

        Assert.That(release.IsCompletedSuccessfully, Is.True);
        await release;
    }

    [Test]
    public async Task ReleaseAsync_OtherContainer_LeavesTheAttacherWaiting()
    {
        var rendezvous = new AttachRendezvous();
        var attacher = rendezvous.Register(Id);

        await Wait.Within(rendezvous.ReleaseAsync("other", Socket, CancellationToken.None));

        Assert.That(attacher.Ready.Task.IsCompleted, Is.False);
    }

    [Test]
    public async Task Cancel_RegisteredAttacher_IsNotReleased()
    {
        var rendezvous = new AttachRendezvous();
        var gone = rendezvous.Register(Id);
        var staying = rendezvous.Register(Id);
        staying.Connected.SetResult();

        rendezvous.Cancel(Id, gone);
        await Wait.Within(rendezvous.ReleaseAsync(Id, Socket, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(gone.Ready.Task.IsCompleted, Is.False);
            Assert.That(staying.Ready.Task.IsCompletedSuccessfully, Is.True);
        });
    }

    [Test]
    public void Cancel_UnknownContainer_DoesNothing()
    {
        var rendezvous = new AttachRendezvous();

        Assert.DoesNotThrow(() => rendezvous.Cancel(Id, new AttachRendezvous.Pending()));
    }

    [Test]
    public void Cancel_NullEntry_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new AttachRendezvous().Cancel(Id, null!));

    [Test]
    public async Task Fail_WaitingAttachers_SeeTheStartError()
    {
        var rendezvous = new AttachRendezvous();
        var attacher = rendezvous.Register(Id);
        var error = new InvalidOperationException("exec format error");

        rendezvous.Fail(Id, error);

        var seen = await Wait.ThrowsAsync<InvalidOperationException>(() => attacher.Ready.Task);
        Assert.That(seen, Is.SameAs(error));
    }

    [Test]
    public async Task Fail_AfterRelease_ChangesNothing()
    {
        var rendezvous = new AttachRendezvous();
        var attacher = rendezvous.Register(Id);
        attacher.Connected.SetResult();
        await Wait.Within(rendezvous.ReleaseAsync(Id, Socket, CancellationToken.None));

        rendezvous.Fail(Id, new InvalidOperationException("late"));

        Assert.That(await Wait.Within(attacher.Ready.Task), Is.EqualTo(Socket));
    }

    [Test]
    public async Task Register_AfterARelease_WaitsForTheNextStart()
    {
        var rendezvous = new AttachRendezvous();
        var early = rendezvous.Register(Id);
        early.Connected.SetResult();
        await Wait.Within(rendezvous.ReleaseAsync(Id, Socket, CancellationToken.None));

        var late = rendezvous.Register(Id);
        late.Connected.SetResult();
        var lateWasPending = !late.Ready.Task.IsCompleted;
        await Wait.Within(rendezvous.ReleaseAsync(Id, Socket + "2", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(lateWasPending, Is.True);
            Assert.That(late.Ready.Task.IsCompletedSuccessfully, Is.True);
        });
        Assert.That(await late.Ready.Task, Is.EqualTo(Socket + "2"));
    }
}
