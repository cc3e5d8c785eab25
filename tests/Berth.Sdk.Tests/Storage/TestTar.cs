using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Sdk.Tests.Storage;

/// <summary>Builds layer tars in memory with System.Formats.Tar, as registries and other engines would send them.</summary>
[SupportedOSPlatform("linux")]
internal sealed class TestTar
{
    public static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000);

    private readonly MemoryStream stream = new();
    private readonly TarWriter writer;
    private readonly TarEntryFormat format;

    public TestTar(TarEntryFormat format = TarEntryFormat.Pax)
    {
        this.format = format;
        writer = new TarWriter(stream, format, leaveOpen: true);
    }

    public TestTar Directory(string name, int mode = 0x1ED, int uid = 0, int gid = 0, DateTimeOffset? time = null, Dictionary<string, string>? pax = null) =>
        Add(TarEntryType.Directory, name, mode, uid, gid, time, pax);

    public TestTar File(string name, string content = "", int mode = 0x1A4, int uid = 0, int gid = 0, DateTimeOffset? time = null, Dictionary<string, string>? pax = null) =>
        File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid, time, pax);

    public TestTar File(string name, byte[] content, int mode = 0x1A4, int uid = 0, int gid = 0, DateTimeOffset? time = null, Dictionary<string, string>? pax = null) =>
        Add(TarEntryType.RegularFile, name, mode, uid, gid, time, pax, e => e.DataStream = new MemoryStream(content));

    public TestTar Symlink(string name, string target, int uid = 0, int gid = 0, DateTimeOffset? time = null) =>
        Add(TarEntryType.SymbolicLink, name, 0x1FF, uid, gid, time, null, e => e.LinkName = target);

    public TestTar HardLink(string name, string target) =>
        Add(TarEntryType.HardLink, name, 0x1A4, 0, 0, null, null, e => e.LinkName = target);

    public TestTar Device(TarEntryType type, string name, int major, int minor, int mode = 0x1B0, int uid = 0, int gid = 0) =>
        Add(type, name, mode, uid, gid, null, null, e =>
        {
            if (e is PosixTarEntry posix)
            {
                posix.DeviceMajor = major;
                posix.DeviceMinor = minor;
            }
        });

    public TestTar Fifo(string name, int mode = 0x1A4) => Add(TarEntryType.Fifo, name, mode, 0, 0, null, null);

    public TestTar GlobalHeader() => Add(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "hello" }));

    public TestTar Add(TarEntry entry)
    {
        writer.WriteEntry(entry);
        return this;
    }

    /// <summary>The finished tar: entries and the two end-of-archive blocks.</summary>
    public byte[] ToArray()
    {
        writer.Dispose();
        return stream.ToArray();
    }

    public static byte[] Gzip(byte[] tar)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar);
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] tar)
    {
        var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, 3, 0, leaveOpen: true)) zstd.Write(tar);
        return output.ToArray();
    }

    public static string DiffIdOf(byte[] tar) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(tar))}";

    private TestTar Add(TarEntryType type, string name, int mode, int uid, int gid, DateTimeOffset? time, Dictionary<string, string>? pax,
        Action<TarEntry>? configure = null)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.Gnu => new GnuTarEntry(type, name),
            TarEntryFormat.Ustar => new UstarTarEntry(type, name),
            _ => pax is null ? new PaxTarEntry(type, name) : new PaxTarEntry(type, name, pax),
        };
        entry.Mode = (UnixFileMode)mode;
        entry.Uid = uid;
        entry.Gid = gid;
        entry.ModificationTime = time ?? Time;
        configure?.Invoke(entry);
        return Add(entry);
    }
}
