using Berth.Sdk;

namespace Berth.Examples.DailyLog;

/// <summary>Where the entries live: <c>&lt;root&gt;/&lt;container id&gt;/&lt;yyyy-MM-dd&gt;.log</c>, one file per UTC day.</summary>
internal sealed class DayFiles(string root)
{
    private const string Extension = ".log";

    public string PathOf(string containerId, string day) => Path.Combine(DirectoryOf(containerId), day + Extension);

    /// <summary>The container's files, oldest day first; none when it never logged.</summary>
    public IReadOnlyList<string> List(string containerId)
    {
        var directory = DirectoryOf(containerId);
        if (!Directory.Exists(directory)) return [];
        return [.. Directory.EnumerateFiles(directory, "*" + Extension).Order(StringComparer.Ordinal)];
    }

    /// <summary>Deletes the container's files older than the <paramref name="keepDays"/> days ending with <paramref name="today"/>.</summary>
    public void Prune(string containerId, string today, int keepDays)
    {
        var oldestKept = DateOnly.ParseExact(today, "yyyy-MM-dd").AddDays(1 - keepDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var file in List(containerId).Where(f => string.CompareOrdinal(Path.GetFileNameWithoutExtension(f), oldestKept) < 0))
            File.Delete(file);
    }

    public string DirectoryOf(string containerId)
    {
        if (string.IsNullOrEmpty(containerId) || containerId.StartsWith('.') || containerId.Contains('/', StringComparison.Ordinal))
            throw BerthException.Invalid($"daily-log: invalid container id \"{containerId}\"");
        return Path.Combine(root, containerId);
    }
}
