using System.Runtime.Versioning;
using System.Security.Cryptography;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

/// <summary>Everything a layer tar carries about a tree, one line per path, to compare two trees.</summary>
[SupportedOSPlatform("linux")]
internal static class TreeSnapshot
{
    public static List<string> Of(string root)
    {
        var lines = new List<string>();
        var firstNameOfInode = new Dictionary<(ulong, ulong), string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .OrderBy(p => p, StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path);
            var stat = Posix.LStat(path);
            var line = $"{relative} type={stat.FileType:x} mode={stat.Mode & 0xFFF:x} owner={stat.Uid}:{stat.Gid} mtime={stat.MtimeSeconds}";
            if (stat.IsRegularFile) line += $" size={stat.Size} sha256={Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}";
            if (stat.IsSymbolicLink) line += $" target={new FileInfo(path).LinkTarget}";
            if (stat.FileType is 0x2000 or 0x6000) line += $" dev={Posix.Major(stat.RDevice)}:{Posix.Minor(stat.RDevice)}";
            if (!stat.IsDirectory && stat.LinkCount > 1)
            {
                if (!firstNameOfInode.TryAdd((stat.Device, stat.Inode), relative)) line += $" linked-to={firstNameOfInode[(stat.Device, stat.Inode)]}";
            }
            foreach (var name in Posix.LListXattr(path).Where(n => !n.StartsWith("security.selinux", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                line += $" xattr:{name}={Convert.ToHexString(Posix.LGetXattr(path, name) ?? [])}";
            }
            lines.Add(line);
        }
        return lines;
    }
}
