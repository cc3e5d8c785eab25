using System.IO.Enumeration;

namespace Berth.Sdk.Storage;

/// <summary>The names in one directory, dot-files included, in ordinal order (so tars and change lists are deterministic).</summary>
internal static class DirectoryNames
{
    private static readonly EnumerationOptions Everything = new()
    {
        AttributesToSkip = 0, // on Unix "hidden" means a leading dot: .wh. files must not be skipped
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    public static List<string> Sorted(string directory)
    {
        var names = new FileSystemEnumerable<string>(directory, static (ref FileSystemEntry entry) => entry.FileName.ToString(), Everything).ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
