using System.Runtime.InteropServices;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Volumes;

/// <summary>
/// Docker's copy-up (moby's copyExistingContents over continuity's fs.CopyDir): when an empty volume is mounted over a
/// path the image has content at, that content is copied in — files, folders, symbolic links, hard links, devices and
/// fifos, with owners, modes (setuid/setgid/sticky too), modification times and extended attributes (best effort:
/// a file system that refuses one keeps the copy going); the volume's root takes the source folder's owner, mode and
/// time. A volume that already holds anything is left untouched. Sockets are not copied.
/// </summary>
internal static partial class VolumeCopyUp
{
    private const int CopyBufferSize = 1 << 17;
    private const uint SocketType = 0xC000;

    public static async Task<bool> CopyAsync(string source, string volumeData, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(volumeData);
        if (!Posix.TryLStat(source, out var root) || !root.IsDirectory) return false;
        if (Directory.EnumerateFileSystemEntries(volumeData).Any()) return false;
        var links = new Dictionary<(ulong, ulong), string>();
        await CopyChildrenAsync(source, volumeData, links, cancellationToken).ConfigureAwait(false);
        ApplyMetadata(source, volumeData, root);
        return true;
    }

    private static async Task CopyChildrenAsync(string sourceDir, string targetDir, Dictionary<(ulong, ulong), string> links, CancellationToken cancellationToken)
    {
        foreach (var source in Directory.EnumerateFileSystemEntries(sourceDir))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Posix.TryLStat(source, out var stat)) continue; // gone meanwhile
            var target = Path.Combine(targetDir, Path.GetFileName(source));
            if (stat.IsDirectory)
            {
                Directory.CreateDirectory(target);
                await CopyChildrenAsync(source, target, links, cancellationToken).ConfigureAwait(false);
            }
            else if (stat.LinkCount > 1 && !stat.IsDirectory && links.TryGetValue((stat.Device, stat.Inode), out var first))
            {
                Link(first, target);
                continue; // a hard link shares the first copy's metadata
            }
            else if (stat.IsRegularFile)
            {
                await CopyFileAsync(source, target, cancellationToken).ConfigureAwait(false);
            }
            else if (stat.IsSymbolicLink)
            {
                File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget!);
            }
            else if (stat.FileType == SocketType)
            {
                continue;
            }
            else
            {
                Posix.MkNod(target, stat.Mode, stat.RDevice); // devices and fifos
            }
            if (stat.LinkCount > 1 && !stat.IsDirectory) links[(stat.Device, stat.Inode)] = target;
            ApplyMetadata(source, target, stat);
        }
    }

    private static async Task CopyFileAsync(string source, string target, CancellationToken cancellationToken)
    {
        var input = new FileStream(source, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite, Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0 });
        await using (input.ConfigureAwait(false))
        {
            var output = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 0 });
            await using (output.ConfigureAwait(false))
                await input.CopyToAsync(output, CopyBufferSize, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Owner, then mode (chown clears setuid), extended attributes and times; never through a symbolic link.</summary>
    private static void ApplyMetadata(string source, string target, Posix.FileStat stat)
    {
        Posix.LChown(target, (int)stat.Uid, (int)stat.Gid);
        if (!stat.IsSymbolicLink) File.SetUnixFileMode(target, (UnixFileMode)(stat.Mode & 0xFFF));
        CopyXattrs(source, target);
        var mtime = DateTimeOffset.FromUnixTimeSeconds(stat.MtimeSeconds).AddTicks(stat.MtimeNanos / 100);
        Posix.SetTimesNoFollow(target, mtime, mtime);
    }

    private static void CopyXattrs(string source, string target)
    {
        try
        {
            foreach (var name in Posix.LListXattr(source))
            {
                if (Posix.LGetXattr(source, name) is not { } value) continue;
                try
                {
                    Posix.LSetXattr(target, name, value);
                }
                catch (IOException)
                {
                    // Not supported or not permitted here (security.*, user.* on a link): best effort, as moby.
                }
            }
        }
        catch (IOException)
        {
            // The source cannot list its attributes: nothing to copy.
        }
    }

    private static void Link(string existing, string path)
    {
        if (NativeLink(existing, path) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"link {existing} {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeLink(string existing, string path);
}
