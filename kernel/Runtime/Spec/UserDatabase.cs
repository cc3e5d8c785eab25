namespace Berth.Kernel.Runtime.Spec;

/// <summary>An /etc/passwd entry (moby/sys/user.User): the fields the runtime needs.</summary>
internal sealed record PasswdEntry(string Name, int Uid, int Gid, string Home);

/// <summary>An /etc/group entry (moby/sys/user.Group).</summary>
internal sealed record GroupEntry(string Name, int Gid, IReadOnlyList<string> Members);

/// <summary>Parses passwd and group files the way moby/sys/user does: ':'-separated, bad numbers read as 0.</summary>
internal static class UserDatabase
{
    private const long MaxFileBytes = 10 << 20;

    /// <summary>The lines of a passwd/group file, or null when it is missing or not a regular file (treated as "no file").</summary>
    public static IReadOnlyList<string>? ReadLines(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Attributes.HasFlag(FileAttributes.Directory)) return null;
            if (info.Length > MaxFileBytes) throw new IOException($"read {path}: file exceeds {MaxFileBytes} bytes");
            return File.ReadAllLines(path);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static IEnumerable<PasswdEntry> ParsePasswd(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(':');
            yield return new PasswdEntry(Field(parts, 0), Number(Field(parts, 2)), Number(Field(parts, 3)), Field(parts, 5));
        }
    }

    public static IEnumerable<GroupEntry> ParseGroup(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split(':');
            var members = Field(parts, 3);
            yield return new GroupEntry(Field(parts, 0), Number(Field(parts, 2)), members.Length == 0 ? [] : members.Split(','));
        }
    }

    private static string Field(string[] parts, int index) => index < parts.Length ? parts[index] : "";

    private static int Number(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
}
