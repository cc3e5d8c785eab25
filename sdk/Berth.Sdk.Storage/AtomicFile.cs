namespace Berth.Sdk.Storage;

/// <summary>Metadata writes that leave the old or the new content after a crash, never a torn file.</summary>
public static class AtomicFile
{
    /// <param name="mode">Permissions of the new file: owner-only by default (records may hold settings such as credentials).</param>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken,
        UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, UnixCreateMode = mode };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            SyncDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Flushes every file and folder under <paramref name="root"/> to disk, before a record may point at them.</summary>
    public static void SyncTree(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).LinkTarget is not null) continue;
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)) SyncDirectory(dir);
        SyncDirectory(root);
    }

    /// <summary>The synchronous form of <see cref="WriteAllBytesAsync"/>, for callers that hold a lock while they save.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            SyncDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Makes a rename durable by syncing its directory. .NET will not open a directory as a file, so this is libc's
    /// open and fsync; best effort (a filesystem that cannot sync a directory still renamed atomically).
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        var fd = DirectoryCalls.Open(directory, DirectoryCalls.OpenReadOnly | DirectoryCalls.OpenDirectory | DirectoryCalls.OpenCloseOnExec);
        if (fd < 0) return;
        _ = DirectoryCalls.Fsync(fd);
        _ = DirectoryCalls.Close(fd);
    }
}
