namespace Berth.Sdk.Testing;

/// <summary>Hostile or broken layer tars: paths, symlinks and hard links that try to leave the layer, truncated blobs.</summary>
public static class EscapingLayers
{
    /// <summary>A regular file at <c>../</c> × <paramref name="depth"/> + <paramref name="name"/>.</summary>
    public static byte[] ParentTraversal(string name, int depth) => new LayerTarBuilder()
        .Raw(System.Formats.Tar.TarEntryType.RegularFile, string.Concat(Enumerable.Repeat("../", depth)) + name, "escaped"u8.ToArray())
        .Build();

    /// <summary>Symlinks to <paramref name="outside"/> (absolute, and relative climbing out), then files written "through" them.</summary>
    public static byte[] ThroughSymlink(string outside) => new LayerTarBuilder()
        .Symlink("evil-absolute", outside)
        .File("evil-absolute/pwned-absolute", "escaped")
        .Symlink("evil-relative", Climb() + outside.TrimStart('/'))
        .File("evil-relative/pwned-relative", "escaped")
        .Build();

    /// <summary>Hard links to the host file <paramref name="target"/>, by a climbing path and by its absolute path.</summary>
    public static byte[] HardLinkTo(string target) => new LayerTarBuilder()
        .HardLink("link-relative", Climb() + target.TrimStart('/'))
        .HardLink("link-absolute", target)
        .Build();

    /// <summary>A layer with a 64 KiB file, compressed as asked, cut in half.</summary>
    public static byte[] Truncated(LayerCompression compression)
    {
        var content = new byte[64 * 1024];
        new Random(42).NextBytes(content);
        var blob = new LayerTarBuilder().Directory("data").File("data/big.bin", content).Build(compression);
        return blob[..(blob.Length / 2)];
    }

    /// <summary>Applies a hostile layer where either refusing it (with a <see cref="BerthException"/>) or containing it is acceptable.</summary>
    public static async Task ApplyTolerantlyAsync(Func<Task> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        try
        {
            await apply().ConfigureAwait(false);
        }
        catch (BerthException)
        {
            // Refused: fine, as long as nothing escaped.
        }
        catch (Exception ex) when (ex is not AssertionException and not IgnoreException)
        {
            Assert.Fail($"a hostile layer must be refused with a BerthException, got {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Deletes whatever a failed escape test left under <paramref name="name"/>, so a broken driver does not litter the host.</summary>
    public static void RemoveEscapees(ConformanceWorkspace workspace, string name)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        foreach (var path in workspace.FindEverywhere(name))
        {
            if (Directory.Exists(path) && FileStatus.Of(path).Type == TreeEntryType.Directory) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }

    private static string Climb() => string.Concat(Enumerable.Repeat("../", 64));
}
