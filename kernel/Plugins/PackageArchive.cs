using System.Formats.Tar;
using System.IO.Compression;
using Berth.Sdk;

namespace Berth.Kernel.Plugins;

/// <summary>
/// Unpacks the tar that <c>docker plugin create</c> sends, as root, so it trusts nothing in it: only directories,
/// regular files and downward relative symlinks; no absolute paths, no <c>..</c>, nothing written through a link,
/// no devices, FIFOs or hard links, no setuid bits, and a cap on the total size.
/// </summary>
public static class PackageArchive
{
    public const long MaxBytes = 1L << 30;

    public static async Task ExtractAsync(Stream body, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var magic = new byte[2];
        var read = await body.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0) throw BerthException.Invalid("the plugin context is empty: expected a tar of config.json and rootfs/");
        // The body cannot rewind: put the two sniffed bytes back in front.
        Stream source = new ConcatenatedStream(magic.AsMemory(0, read), body);
        if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b) source = new GZipStream(source, CompressionMode.Decompress);

        long total = 0;
        try
        {
            await using var reader = new TarReader(source, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var target = Resolve(root, entry.Name);
                if (target is null) continue; // the archive's own root "./"
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        total += entry.Length;
                        if (total > MaxBytes) throw BerthException.Invalid($"the plugin context is larger than {MaxBytes >> 20} MiB");
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        if (File.Exists(target) || Directory.Exists(target)) File.Delete(target);
                        var options = new FileStreamOptions
                        {
                            Mode = FileMode.CreateNew,
                            Access = FileAccess.Write,
                            UnixCreateMode = (UnixFileMode)((int)entry.Mode & 0b111_111_111) | UnixFileMode.UserRead | UnixFileMode.UserWrite,
                        };
                        await using (var file = new FileStream(target, options))
                        {
                            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                        }
                        break;
                    case TarEntryType.SymbolicLink:
                        var link = entry.LinkName;
                        if (link.Length == 0 || Path.IsPathRooted(link) || link.Split('/').Contains(".."))
                            throw BerthException.Invalid($"the plugin context has a symlink {entry.Name} -> {link} that leaves its folder");
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.CreateSymbolicLink(target, link);
                        break;
                    default:
                        throw BerthException.Invalid($"the plugin context has {entry.Name} of type {entry.EntryType}: only files, folders and relative symlinks are allowed");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw BerthException.Invalid($"the plugin context is not a valid tar archive: {ex.Message}");
        }
    }

    /// <summary>The absolute path of an entry inside <paramref name="root"/>; refuses escapes and paths through a symlink.</summary>
    private static string? Resolve(string root, string name)
    {
        var parts = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (name.StartsWith('/') || parts.Contains(".."))
            throw BerthException.Invalid($"the plugin context has an entry {name} outside its folder");
        if (parts.Count == 0) return null;
        var path = root;
        for (var i = 0; i < parts.Count - 1; i++)
        {
            path = Path.Combine(path, parts[i]);
            if (new FileInfo(path).LinkTarget is not null)
                throw BerthException.Invalid($"the plugin context writes {name} through a symlink");
        }
        var target = Path.Combine(path, parts[^1]);
        if (new FileInfo(target).LinkTarget is not null)
            throw BerthException.Invalid($"the plugin context overwrites the symlink {name}");
        return target;
    }
}
