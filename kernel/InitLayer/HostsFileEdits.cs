using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Kernel.InitLayer;

/// <summary>Edits of an existing /etc/hosts text, as moby's etchosts.Delete and etchosts.Update.</summary>
public static class HostsFileEdits
{
    /// <summary>
    /// Drops the lines of the records: same names after a tab, and an address that parses to the same IP (a line the
    /// user edited stays). Comments stay; blank lines go, as in moby.
    /// </summary>
    public static string Remove(string content, IReadOnlyCollection<HostsEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return content;
        var kept = new StringBuilder(content.Length);
        foreach (var line in Lines(content))
        {
            if (line.Length == 0) continue;
            if (line[0] != '#' && entries.Any(entry => Matches(line, entry))) continue;
            kept.Append(line).Append('\n');
        }
        return kept.ToString();
    }

    /// <summary>Points every line naming <paramref name="hostname"/> (right after the address) at <paramref name="address"/>.</summary>
    public static string Update(string content, string hostname, string address)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(hostname);
        ArgumentException.ThrowIfNullOrEmpty(address);
        var pattern = new Regex(@"(\S*)(\t" + Regex.Escape(hostname) + @")(\s|\.)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return pattern.Replace(content, match => address + match.Groups[2].Value + match.Groups[3].Value);
    }

    private static bool Matches(string line, HostsEntry entry)
    {
        var suffix = "\t" + entry.Hosts;
        if (!line.EndsWith(suffix, StringComparison.Ordinal)) return false;
        var before = line[..^suffix.Length].Trim();
        return IpText.TryParse(before, out var lineAddress) && IpText.TryParse(entry.Address, out var entryAddress) && lineAddress.Equals(entryAddress);
    }

    private static IEnumerable<string> Lines(string content)
    {
        var lines = content.Split('\n');
        return (content.EndsWith('\n') ? lines[..^1] : lines).Select(line => line.EndsWith('\r') ? line[..^1] : line);
    }
}
