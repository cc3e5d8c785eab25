using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Testing;

// Update, Walk, Usage and Mounts: what a snapshotter tells about its snapshots.
public abstract partial class SnapshotterConformance
{
    [Test]
    public async Task Update_LabelFieldPath_ChangesOnlyThatLabel()
    {
        await PrepareAsync("snap", labels: Labels(("keep", "1"), ("change", "old")));
        var before = await StatAsync("snap");

        var updated = await Snapshotter.UpdateAsync(before with { Labels = Labels(("change", "new"), ("ignored", "x")) },
            ["labels.change"], Cancellation);

        var after = await StatAsync("snap");
        Assert.Multiple(() =>
        {
            Assert.That(after.Labels, Is.EquivalentTo(Labels(("keep", "1"), ("change", "new"))));
            Assert.That(updated.Labels, Is.EquivalentTo(after.Labels), "Update answers the stored snapshot");
            Assert.That(after.Updated, Is.GreaterThanOrEqualTo(before.Updated));
        });
    }

    [Test]
    public async Task Update_LabelFieldPathOfMissingLabel_RemovesThatLabel()
    {
        await PrepareAsync("snap", labels: Labels(("keep", "1"), ("drop", "2")));
        var before = await StatAsync("snap");

        await Snapshotter.UpdateAsync(before with { Labels = Labels() }, ["labels.drop"], Cancellation);

        Assert.That((await StatAsync("snap")).Labels, Is.EquivalentTo(Labels(("keep", "1"))));
    }

    [Test]
    public async Task Update_LabelsFieldPath_ReplacesAllLabels()
    {
        await PrepareAsync("snap", labels: Labels(("old", "1")));
        var before = await StatAsync("snap");

        await Snapshotter.UpdateAsync(before with { Labels = Labels(("new", "2")) }, ["labels"], Cancellation);

        Assert.That((await StatAsync("snap")).Labels, Is.EquivalentTo(Labels(("new", "2"))));
    }

    [Test]
    public async Task Update_OtherFields_AreNotChanged()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        await PrepareAsync("snap", "base", Labels(("a", "1")));
        var before = await StatAsync("snap");

        await Snapshotter.UpdateAsync(before with { Kind = SnapshotKind.Committed, Parent = "elsewhere", Labels = Labels(("a", "2")) },
            ["labels"], Cancellation);

        var after = await StatAsync("snap");
        Assert.Multiple(() =>
        {
            Assert.That(after.Kind, Is.EqualTo(SnapshotKind.Active));
            Assert.That(after.Parent, Is.EqualTo("base"));
            Assert.That(after.Created, Is.EqualTo(before.Created));
            Assert.That(after.Labels, Is.EquivalentTo(Labels(("a", "2"))));
        });
    }

    [Test]
    public async Task Update_UnknownKey_ThrowsNotFound()
    {
        var info = new SnapshotInfo(SnapshotKind.Active, "no-such-key", null, Labels(("a", "1")), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.UpdateAsync(info, ["labels"], Cancellation), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Walk_NoFilter_ListsEverySnapshot()
    {
        await CreateWalkSetAsync();

        var all = await Snapshotter.WalkAsync([], Cancellation);

        Assert.That(all.Select(s => s.Name), Is.EquivalentTo(new[] { "base", "child", "view" }));
        Assert.That(all.Single(s => s.Name == "child").Parent, Is.EqualTo("base"));
        foreach (var info in all)
            Assert.That(WireCheck.Json(info), Is.EqualTo(WireCheck.Json(await StatAsync(info.Name))), $"Walk and Stat agree on {info.Name}");
        WireCheck.AssertRoundTrips(all);
    }

    [TestCase("name==child", new[] { "child" })]
    [TestCase("parent==base", new[] { "child", "view" })]
    [TestCase("kind==committed", new[] { "base" })]
    [TestCase("kind==active", new[] { "child" })]
    [TestCase("labels.\"tier\"==app", new[] { "child" })]
    [TestCase("labels.\"tier\"==nothing", new string[0])]
    public async Task Walk_Filter_ListsOnlyMatchingSnapshots(string filter, string[] expected)
    {
        await CreateWalkSetAsync();

        var found = await Snapshotter.WalkAsync([filter], Cancellation);

        Assert.That(found.Select(s => s.Name), Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Usage_ActiveSnapshotAfterWrite_Grows()
    {
        Privileges.RequireRoot();
        var mounts = await PrepareAsync("growing");
        var before = await Snapshotter.UsageAsync("growing", Cancellation);

        using (var mounted = MountAt(mounts))
        {
            var content = new byte[1024 * 1024];
            Random.Shared.NextBytes(content);
            await File.WriteAllBytesAsync(mounted.Combine("big.bin"), content, Cancellation);
        }

        var after = await Snapshotter.UsageAsync("growing", Cancellation);
        Assert.Multiple(() =>
        {
            Assert.That(after.Size, Is.GreaterThanOrEqualTo(before.Size + (512 * 1024)), "Size counts the bytes written");
            Assert.That(after.Inodes, Is.GreaterThan(before.Inodes), "Inodes counts the file written");
        });
        WireCheck.AssertRoundTrips(after);
    }

    [Test]
    public async Task Usage_UnknownKey_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.UsageAsync("no-such-key", Cancellation), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Mounts_ActiveKey_EqualsWhatPrepareReturned()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        var prepared = await PrepareAsync("child", "base");

        var mounts = await Snapshotter.MountsAsync("child", Cancellation);

        Assert.That(WireCheck.Json(mounts), Is.EqualTo(WireCheck.Json(prepared)));
    }

    [Test]
    public async Task Mounts_View_EqualsWhatViewReturned()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work");
        var viewed = await Snapshotter.ViewAsync("view", "base", null, Cancellation);

        var mounts = await Snapshotter.MountsAsync("view", Cancellation);

        Assert.That(WireCheck.Json(mounts), Is.EqualTo(WireCheck.Json(viewed)));
    }

    [Test]
    public async Task Mounts_UnknownKey_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.MountsAsync("no-such-key", Cancellation), BerthErrorKind.NotFound);
    }

    /// <summary>base (committed, tier=base) ← child (active, tier=app), and view (a view of base).</summary>
    private async Task CreateWalkSetAsync()
    {
        await PrepareAsync("base-work");
        await CommitAsync("base", "base-work", Labels(("tier", "base")));
        await PrepareAsync("child", "base", Labels(("tier", "app")));
        await Snapshotter.ViewAsync("view", "base", null, Cancellation);
    }
}
