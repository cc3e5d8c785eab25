namespace Berth.Sdk.Storage;

/// <summary>Produces the layer tar of a directory tree: deterministic, so the same tree always has the same diff id.</summary>
public static class LayerTarWriter
{
    /// <summary>
    /// Writes an uncompressed tar of the tree <paramref name="dir"/> (not the directory itself) to
    /// <paramref name="output"/>, entries in name order, depth first. With <see cref="WhiteoutFormat.Overlay"/>,
    /// <paramref name="dir"/> is an overlayfs upper directory: its 0/0 character devices become <c>.wh.&lt;name&gt;</c>
    /// entries and its opaque directories are followed by a <c>.wh..wh..opq</c> entry. Returns the digest and size of
    /// what was written. <paramref name="output"/> is flushed, not disposed.
    /// </summary>
    public static async Task<LayerDigest> WriteAsync(string dir, WhiteoutFormat whiteouts, Stream output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        ArgumentNullException.ThrowIfNull(output);
        var root = Path.GetFullPath(dir).TrimEnd('/');
        if (!Posix.TryLStat(root.Length == 0 ? "/" : root, out var stat) || !stat.IsDirectory)
        {
            throw new BerthException($"writing layer: {dir} is not a directory");
        }
        using var tar = new PaxTarOutput(output);
        await new LayerTreeTar(tar, whiteouts).WriteChildrenAsync(root, "", cancellationToken).ConfigureAwait(false);
        return await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a tar of one path as <c>docker cp</c> sends it: the file, link or directory itself named
    /// <paramref name="entryName"/>, then everything below a directory. No whiteout conversion.
    /// </summary>
    public static async Task WritePathAsync(string path, string entryName, Stream output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(entryName);
        ArgumentNullException.ThrowIfNull(output);
        using var tar = new PaxTarOutput(output);
        await new LayerTreeTar(tar, WhiteoutFormat.Delete).WriteTreeAsync(path.TrimEnd('/'), entryName, cancellationToken).ConfigureAwait(false);
        await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
    }
}
