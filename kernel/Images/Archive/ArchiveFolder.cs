using System.Formats.Tar;
using Berth.Sdk;

namespace Berth.Kernel.Images.Archive;

/// <summary>
/// A <c>docker load</c> upload unpacked into a private folder: regular files and folders only, each name checked to
/// stay inside; symbolic and hard links are remembered and resolved on read, never created on disk, so nothing in
/// the archive can point outside it.
/// </summary>
public sealed class ArchiveFolder : IDisposable
{
    private const int MaxLinkDepth = 16;
    private readonly Dictionary<string, string> links = new(StringComparer.Ordinal);

    private ArchiveFolder(string root) => Root = root;

    public string Root { get; }

    public static async Task<ArchiveFolder> ExtractAsync(Stream tar, string root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var folder = new ArchiveFolder(root);
        try
        {
            await using var reader = new TarReader(tar, leaveOpen: true);
            while (await NextAsync(reader, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = Clean(entry.Name);
                if (name.Length == 0) continue;
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(Path.Combine(root, name));
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var path = Path.Combine(root, name);
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 1 << 20, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
                        await using (var output = new FileStream(path, options))
                        {
                            if (entry.DataStream is { } data) await data.CopyToAsync(output, 1 << 20, cancellationToken).ConfigureAwait(false);
                        }
                        folder.links.Remove(name);
                        break;
                    case TarEntryType.SymbolicLink:
                        var target = entry.LinkName.StartsWith('/') ? entry.LinkName : Path.Combine(Path.GetDirectoryName(name) ?? "", entry.LinkName);
                        folder.links[name] = Clean(target);
                        break;
                    case TarEntryType.HardLink:
                        folder.links[name] = Clean(entry.LinkName);
                        break;
                    case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                        break;
                    default:
                        throw BerthException.Invalid($"invalid archive: unexpected entry \"{entry.Name}\" of type {entry.EntryType}");
                }
            }
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public bool Exists(string name) => Resolve(name) is not null;

    /// <summary>The on-disk path of an archive member, following the archive's own links.</summary>
    public string PathOf(string name) =>
        Resolve(name) ?? throw BerthException.Invalid($"invalid archive: {name} is missing");

    public async Task<byte[]> ReadAllBytesAsync(string name, long maxBytes, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (new FileInfo(path).Length > maxBytes) throw BerthException.Invalid($"invalid archive: {name} is larger than {maxBytes} bytes");
        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException ex)
        {
            Serilog.Log.Warning("could not remove {Folder}: {Message}", Root, ex.Message);
        }
    }

    private string? Resolve(string name)
    {
        var current = Clean(name);
        for (var depth = 0; depth < MaxLinkDepth; depth++)
        {
            var path = Path.Combine(Root, current);
            if (File.Exists(path)) return path;
            if (!links.TryGetValue(current, out var next)) return null;
            current = next;
        }
        return null;
    }

    private static async Task<TarEntry?> NextAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw BerthException.Invalid($"invalid archive: {ex.Message}");
        }
    }

    /// <summary>A relative, normalised member name; one that climbs out of the archive is refused.</summary>
    private static string Clean(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) throw BerthException.Invalid($"invalid archive: \"{name}\" points outside the archive");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
