namespace Berth.Sdk.Testing;

/// <summary>
/// A set of changes made through a mounted snapshot or layer whose parent is <see cref="StandardLayers.Base"/>:
/// additions, modifications, metadata-only changes, deletions of files and directories, a directory replaced, links.
/// A diff of the result must carry all of them.
/// </summary>
public static class TreeChanges
{
    public static void Apply(string root)
    {
        string At(string relative) => Path.Combine(root, relative);

        File.WriteAllText(At("new.txt"), "added");
        File.SetUnixFileMode(At("new.txt"), (UnixFileMode)FileModes.Octal("640"));
        FileOps.Chown(At("new.txt"), 1234, 5678);
        FileOps.HardLink(At("new.txt"), At("new-hard"));
        File.CreateSymbolicLink(At("new-link"), "new.txt");
        FileOps.Fifo(At("new-pipe"), FileModes.Octal("600"));
        Directory.CreateDirectory(At("newdir"));
        File.SetUnixFileMode(At("newdir"), (UnixFileMode)FileModes.Octal("750"));
        File.WriteAllText(At("newdir/inner"), "inner");

        File.WriteAllText(At("etc/hosts"), "modified hosts");
        File.SetUnixFileMode(At("etc/hostname"), (UnixFileMode)FileModes.Octal("600"));
        FileOps.Chown(At("data/secret"), 2000, 2001);

        File.Delete(At("etc/gone"));
        File.Delete(At("etc/link"));
        Directory.Delete(At("keep"), recursive: true);

        Directory.Delete(At("opaque"), recursive: true);
        Directory.CreateDirectory(At("opaque"));
        File.WriteAllText(At("opaque/fresh"), "fresh");
    }

    /// <summary>Asserts <paramref name="tree"/> shows the changes <see cref="Apply"/> made.</summary>
    public static void AssertVisible(TreeSnapshot tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        Assert.Multiple(() =>
        {
            Assert.That(tree.Find("new.txt") is { Uid: 1234, Gid: 5678 } n && n.Mode == FileModes.Octal("640"), Is.True, "added file with owner and mode");
            Assert.That(tree.Find("new-hard")?.HardLinkGroup, Is.Not.Null.And.EqualTo(tree.Find("new.txt")?.HardLinkGroup), "hard link");
            Assert.That(tree.Find("new-link")?.LinkTarget, Is.EqualTo("new.txt"));
            Assert.That(tree.Find("new-pipe")?.Type, Is.EqualTo(TreeEntryType.Fifo));
            Assert.That(tree.Find("newdir")?.Mode, Is.EqualTo(FileModes.Octal("750")));
            Assert.That(tree.Find("etc/hostname")?.Mode, Is.EqualTo(FileModes.Octal("600")), "metadata-only change");
            Assert.That(tree.Find("data/secret") is { Uid: 2000, Gid: 2001 }, Is.True, "ownership-only change");
            Assert.That(tree.Contains("etc/gone"), Is.False, "deleted file");
            Assert.That(tree.Contains("etc/link"), Is.False, "deleted symlink");
            Assert.That(tree.Contains("keep"), Is.False, "deleted directory");
            Assert.That(tree.ChildrenOf("opaque"), Is.EqualTo(new[] { "fresh" }), "replaced directory hides the old contents");
            Assert.That(tree.Find("etc/hostname")?.Sha256, Is.Not.Null);
        });
    }
}
