using System.Globalization;

namespace Berth.Kernel.Stats;

/// <summary>
/// Tolerant readers of cgroup interface files: a missing file or a cgroup removed under our feet reads as nothing,
/// never as an exception, because containers stop whenever they like.
/// </summary>
internal static class CgroupFiles
{
    /// <summary>The file's text, or null when it (or its cgroup) is gone or unreadable.</summary>
    public static string? ReadText(string? directory, string file)
    {
        if (directory is null) return null;
        try
        {
            return File.ReadAllText(Path.Combine(directory, file));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A single-value file as containerd reads it: <c>max</c> is <see cref="ulong.MaxValue"/>, negatives and garbage are 0.</summary>
    public static ulong ReadUInt(string? directory, string file) =>
        ReadText(directory, file) is { } text ? ParseUInt(text.Trim()) : 0;

    /// <summary>As <see cref="ReadUInt"/>, but null when the file is missing.</summary>
    public static ulong? TryReadUInt(string? directory, string file) =>
        ReadText(directory, file) is { } text ? ParseUInt(text.Trim()) : null;

    /// <summary>Flat keyed files (<c>memory.stat</c>, <c>cpu.stat</c>, <c>memory.events</c>, <c>cpuacct.stat</c>): <c>key value</c> per line.</summary>
    public static Dictionary<string, ulong> ReadKeyed(string? directory, string file)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (ReadText(directory, file) is not { } text) return values;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2) values[parts[0]] = ParseUInt(parts[1]);
        }
        return values;
    }

    /// <summary>Space separated values (<c>cpuacct.usage_percpu</c>), null when the file is missing.</summary>
    public static IReadOnlyList<ulong>? ReadList(string? directory, string file) =>
        ReadText(directory, file) is { } text
            ? [.. text.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(ParseUInt)]
            : null;

    public static ulong ParseUInt(string text)
    {
        if (text == "max") return ulong.MaxValue;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}
