using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Testing;

// Prepare, View, Commit, Remove and Stat: containerd's snapshot state machine and its error classes.
public abstract partial class SnapshotterConformance
{
    [Test]
    public async Task Prepare_NewKey_CreatesActiveSnapshot()
    {
        var mounts = await PrepareAsync("active", labels: Labels(("purpose", "test")));

        var info = await StatAsync("active");
        Assert.Multiple(() =>
        {
            Assert.That(mounts, Is.Not.Empty, "Prepare returns the mounts of the new snapshot");
            Assert.That(info.Kind, Is.EqualTo(SnapshotKind.Active));
            Assert.That(info.Name, Is.EqualTo("active"));
            Assert.That(info.Parent, Is.Null.Or.Empty);
            Assert.That(info.Labels, Does.ContainKey("purpose").WithValue("test"));
            Assert.That(info.Created, Is.Not.EqualTo(default(DateTimeOffset)));
            Assert.That(info.Updated, Is.GreaterThanOrEqualTo(info.Created));
        });
        WireCheck.AssertRoundTrips(info);
        WireCheck.AssertRoundTrips(mounts);
    }

    [Test]
    public async Task Prepare_ExistingKey_ThrowsConflict()
    {
        await PrepareAsync("twice");

        await ConformanceAssert.ThrowsBerthAsync(() => PrepareAsync("twice"), BerthErrorKind.Conflict);
    }

    [Test]
    public async Task Prepare_KeyOfCommittedSnapshot_ThrowsConflict()
    {
        await PrepareAsync("work");
        await CommitAsync("done", "work");

        await ConformanceAssert.ThrowsBerthAsync(() => PrepareAsync("done"), BerthErrorKind.Conflict);
    }

    [Test]
    public async Task Prepare_MissingParent_ThrowsNotFoundOrInvalid()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => PrepareAsync("child", "no-such-parent"),
            BerthErrorKind.NotFound, BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task Prepare_ActiveParent_ThrowsNotFoundOrInvalid()
    {
        await PrepareAsync("not-committed");

        await ConformanceAssert.ThrowsBerthAsync(() => PrepareAsync("child", "not-committed"),
            BerthErrorKind.NotFound, BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task Prepare_CommittedParent_RecordsParent()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");

        await PrepareAsync("child", "base");

        var info = await StatAsync("child");
        Assert.That((info.Kind, info.Parent), Is.EqualTo((SnapshotKind.Active, "base")));
    }

    [Test]
    public async Task Prepare_KeyFreedByCommit_CanBeUsedAgain()
    {
        await PrepareAsync("work");
        await CommitAsync("first", "work");

        await PrepareAsync("work", "first");

        var info = await StatAsync("work");
        Assert.That((info.Kind, info.Parent), Is.EqualTo((SnapshotKind.Active, "first")));
    }

    [Test]
    public async Task View_CommittedParent_CreatesViewSnapshot()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");

        var mounts = await Snapshotter.ViewAsync("view", "base", null, Cancellation);

        var info = await StatAsync("view");
        Assert.Multiple(() =>
        {
            Assert.That(mounts, Is.Not.Empty);
            Assert.That(info.Kind, Is.EqualTo(SnapshotKind.View));
            Assert.That(info.Parent, Is.EqualTo("base"));
        });
    }

    [Test]
    public async Task View_MissingParent_ThrowsNotFoundOrInvalid()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.ViewAsync("view", "no-such-parent", null, Cancellation),
            BerthErrorKind.NotFound, BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task View_CommittedParent_IsReadOnly()
    {
        Privileges.RequireRoot();
        await CommitLayerAsync("base", null, new LayerTarBuilder().File("hello.txt", "hello"));

        var mounts = await Snapshotter.ViewAsync("view", "base", null, Cancellation);

        using var mounted = MountAt(mounts);
        Assert.That(await File.ReadAllTextAsync(mounted.Combine("hello.txt"), Cancellation), Is.EqualTo("hello"), "a view shows its parent's files");
        Assert.That(() => File.WriteAllText(mounted.Combine("new.txt"), "x"),
            Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>(), "writing into a view must fail");
    }

    [Test]
    public async Task Commit_ActiveKey_MovesItToCommittedName()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        await PrepareAsync("work", "base", Labels(("stage", "prepared")));

        await CommitAsync("layer", "work", Labels(("stage", "committed")));

        await ConformanceAssert.ThrowsBerthAsync(() => StatAsync("work"), BerthErrorKind.NotFound);
        var info = await StatAsync("layer");
        Assert.Multiple(() =>
        {
            Assert.That(info.Kind, Is.EqualTo(SnapshotKind.Committed));
            Assert.That(info.Name, Is.EqualTo("layer"));
            Assert.That(info.Parent, Is.EqualTo("base"));
            Assert.That(info.Labels, Does.ContainKey("stage").WithValue("committed"));
        });
    }

    [Test]
    public async Task Commit_View_Throws()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        await Snapshotter.ViewAsync("view", "base", null, Cancellation);

        await ConformanceAssert.ThrowsBerthAsync(() => CommitAsync("from-view", "view"));

        Assert.That((await StatAsync("view")).Kind, Is.EqualTo(SnapshotKind.View), "a refused commit leaves the view alone");
    }

    [Test]
    public async Task Commit_ExistingName_ThrowsConflictAndKeepsActiveKey()
    {
        await PrepareAsync("first");
        await CommitAsync("taken", "first");
        await PrepareAsync("second");

        await ConformanceAssert.ThrowsBerthAsync(() => CommitAsync("taken", "second"), BerthErrorKind.Conflict);

        Assert.That((await StatAsync("second")).Kind, Is.EqualTo(SnapshotKind.Active), "a refused commit leaves the active snapshot alone");
    }

    [Test]
    public async Task Commit_UnknownKey_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => CommitAsync("name", "no-such-key"), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Remove_ActiveSnapshot_RemovesIt()
    {
        await PrepareAsync("doomed");

        await Snapshotter.RemoveAsync("doomed", Cancellation);

        await ConformanceAssert.ThrowsBerthAsync(() => StatAsync("doomed"), BerthErrorKind.NotFound);
        var all = await Snapshotter.WalkAsync([], Cancellation);
        Assert.That(all.Select(s => s.Name), Does.Not.Contain("doomed"));
    }

    [Test]
    public async Task Remove_CommittedWithChildren_ThrowsConflict()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        await PrepareAsync("child", "base");

        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.RemoveAsync("base", Cancellation), BerthErrorKind.Conflict);

        Assert.That((await StatAsync("base")).Kind, Is.EqualTo(SnapshotKind.Committed), "a refused remove keeps the parent");
        await Snapshotter.RemoveAsync("child", Cancellation);
        await Snapshotter.RemoveAsync("base", Cancellation);
        await ConformanceAssert.ThrowsBerthAsync(() => StatAsync("base"), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Remove_UnknownKey_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.RemoveAsync("no-such-key", Cancellation), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Stat_UnknownKey_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => StatAsync("no-such-key"), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Cleanup_AfterRemove_KeepsRemainingSnapshots()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        await PrepareAsync("gone", "base");
        await Snapshotter.RemoveAsync("gone", Cancellation);

        await Snapshotter.CleanupAsync(Cancellation);

        Assert.That((await StatAsync("base")).Kind, Is.EqualTo(SnapshotKind.Committed));
    }
}
