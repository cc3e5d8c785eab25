using Berth.Sdk.Storage;

namespace Berth.Kernel.InitLayer;

/// <summary>
/// Writes the files bind-mounted into a container (hostname, hosts, resolv.conf), mode 0644.
/// A new file is written atomically (temp file, fsync, rename). An existing one is rewritten in place: it may already
/// be bind-mounted into a running container, and a bind mount holds the inode — a rename would leave the container
/// reading the old file (moby rewrites these files in place for the same reason).
/// </summary>
internal static class ContainerFileWriter
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Call with the path's lock held (<see cref="PathLocks"/>).</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await AtomicFile.WriteAllBytesAsync(path, content, cancellationToken, Mode).ConfigureAwait(false);
            return;
        }
        var options = new FileStreamOptions { Mode = FileMode.Truncate, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Appends to an existing file (never replaces it, for the same reason as <see cref="WriteAsync"/>).</summary>
    public static async Task AppendAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }
}
