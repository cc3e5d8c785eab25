using System.Globalization;
using Berth.Sdk;

namespace Berth.Kernel.Stats;

/// <summary>
/// Moby's parsing of ps output: titles are the header's fields, a row is split on ASCII whitespace with the overflow
/// joined into the last column (a command line), and only rows whose PID column names a container process are kept —
/// plus, after such a row, its thread rows (PID <c>-</c>, from <c>ps m</c>).
/// </summary>
internal static class PsOutput
{
    private static readonly char[] AsciiSpace = ['\t', '\n', '\f', '\r', ' '];

    public static TopList Parse(string output, IReadOnlyCollection<int> pids)
    {
        var lines = output.Split('\n');
        var titles = Fields(lines[0]);
        var pidIndex = Array.IndexOf(titles, "PID");
        if (pidIndex < 0) throw BerthException.Invalid("Couldn't find PID field in ps output");

        var processes = new List<IReadOnlyList<string>>();
        var previousKept = false;
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var fields = Fields(line);
            if (fields.Length <= pidIndex) continue;
            if (fields[pidIndex] == "-")
            {
                if (previousKept) processes.Add(Row(fields, titles.Length));
                continue;
            }
            if (!int.TryParse(fields[pidIndex], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid))
                throw new BerthException($"Unexpected pid '{fields[pidIndex]}': not a number");
            previousKept = pids.Contains(pid);
            if (previousKept) processes.Add(Row(fields, titles.Length));
        }
        return new TopList(titles, processes);
    }

    private static string[] Fields(string line) => line.Split(AsciiSpace, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>As many columns as titles: the fields past the last title are joined with single spaces.</summary>
    private static string[] Row(string[] fields, int columns)
    {
        if (columns == 0) return [];
        var head = fields.Take(columns - 1);
        var tail = string.Join(' ', fields.Skip(columns - 1));
        return [.. head, tail];
    }
}
