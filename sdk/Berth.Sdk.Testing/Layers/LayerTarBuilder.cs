using System.Formats.Tar;
using System.Text;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Testing;

/// <summary>
/// Builds an OCI layer tar in memory (PAX format, as Docker and containerd write them), entry by entry, in the order
/// given. Whiteouts are written the OCI way: <c>dir/.wh.name</c> deletes <c>dir/name</c> from the layers below, and
/// <c>dir/.wh..wh..opq</c> hides everything below <c>dir</c>. Paths are relative to the layer root and use <c>/</c>.
/// </summary>
public sealed class LayerTarBuilder
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueWhiteout = ".wh..wh..opq";

    /// <summary>The modification time of every entry, so the same builder always gives the same bytes.</summary>
    public static readonly DateTimeOffset Timestamp = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<Func<TarEntry>> entries = [];

    public LayerTarBuilder Directory(string path, int? mode = null, int uid = 0, int gid = 0) =>
        Add(TarEntryType.Directory, DirectoryName(path), mode ?? FileModes.Directory, uid, gid);

    public LayerTarBuilder File(string path, string content, int? mode = null, int uid = 0, int gid = 0) =>
        File(path, Encoding.UTF8.GetBytes(content), mode, uid, gid);

    public LayerTarBuilder File(string path, byte[] content, int? mode = null, int uid = 0, int gid = 0)
    {
        ArgumentNullException.ThrowIfNull(content);
        var copy = content.ToArray();
        return Add(TarEntryType.RegularFile, path, mode ?? FileModes.File, uid, gid, e => e.DataStream = new MemoryStream(copy, writable: false));
    }

    public LayerTarBuilder Symlink(string path, string target, int uid = 0, int gid = 0) =>
        Add(TarEntryType.SymbolicLink, path, FileModes.Symlink, uid, gid, e => e.LinkName = target);

    /// <summary>A hard link at <paramref name="path"/> to the entry <paramref name="target"/> (a path in the layer).</summary>
    public LayerTarBuilder HardLink(string path, string target) =>
        Add(TarEntryType.HardLink, path, FileModes.File, 0, 0, e => e.LinkName = target);

    /// <summary>Deletes <paramref name="path"/> (a file or a whole directory) from the layers below.</summary>
    public LayerTarBuilder Whiteout(string path)
    {
        var (parent, name) = Split(path);
        return Add(TarEntryType.RegularFile, parent + WhiteoutPrefix + name, FileModes.File, 0, 0);
    }

    /// <summary>Hides what the layers below have inside the directory <paramref name="path"/> (which should be in the tar too).</summary>
    public LayerTarBuilder OpaqueDir(string path) =>
        Add(TarEntryType.RegularFile, DirectoryName(path) + OpaqueWhiteout, FileModes.File, 0, 0);

    public LayerTarBuilder CharDevice(string path, int major, int minor, int? mode = null, int uid = 0, int gid = 0) =>
        Add(TarEntryType.CharacterDevice, path, mode ?? FileModes.Device, uid, gid, e =>
        {
            ((PosixTarEntry)e).DeviceMajor = major;
            ((PosixTarEntry)e).DeviceMinor = minor;
        });

    public LayerTarBuilder Fifo(string path, int? mode = null, int uid = 0, int gid = 0) =>
        Add(TarEntryType.Fifo, path, mode ?? FileModes.File, uid, gid);

    /// <summary>An entry exactly as given, for malformed layers (e.g. <c>../escape</c>).</summary>
    public LayerTarBuilder Raw(TarEntryType type, string name, byte[]? content = null, string? linkName = null)
    {
        var copy = content?.ToArray();
        return Add(type, name, FileModes.File, 0, 0, e =>
        {
            if (copy is not null) e.DataStream = new MemoryStream(copy, writable: false);
            if (linkName is not null) e.LinkName = linkName;
        });
    }

    /// <summary>The uncompressed tar.</summary>
    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries) writer.WriteEntry(entry());
        }
        return output.ToArray();
    }

    public byte[] Build(LayerCompression compression) => LayerCompressor.Compress(Build(), compression);

    public byte[] BuildGzip() => Build(LayerCompression.Gzip);

    public byte[] BuildZstd() => Build(LayerCompression.Zstd);

    /// <summary>Writes the blob to <paramref name="path"/> and returns the digest a driver must answer for it (that of the plain tar).</summary>
    public LayerDigest WriteTo(string path, LayerCompression compression = LayerCompression.None)
    {
        var tar = Build();
        System.IO.File.WriteAllBytes(path, LayerCompressor.Compress(tar, compression));
        return LayerDigests.Of(tar);
    }

    private LayerTarBuilder Add(TarEntryType type, string name, int mode, int uid, int gid, Action<TarEntry>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        entries.Add(() =>
        {
            var entry = new PaxTarEntry(type, name)
            {
                Mode = (UnixFileMode)mode,
                Uid = uid,
                Gid = gid,
                ModificationTime = Timestamp,
            };
            configure?.Invoke(entry);
            return entry;
        });
        return this;
    }

    private static string DirectoryName(string path) => path.TrimEnd('/') + "/";

    private static (string Parent, string Name) Split(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? ("", trimmed) : (trimmed[..(slash + 1)], trimmed[(slash + 1)..]);
    }
}
