namespace Berth.Examples.DailyLog;

/// <summary>
/// Reads a container's day files in order from where it left off, complete lines only (a line still being written is
/// read once its newline is there), so following a log is calling <see cref="ReadNewLinesAsync"/> again.
/// </summary>
internal sealed class DayFileCursor(DayFiles files, string containerId)
{
    private string? file;
    private long offset;

    public async Task<List<byte[]>> ReadNewLinesAsync(CancellationToken cancellationToken)
    {
        var lines = new List<byte[]>();
        foreach (var path in files.List(containerId).Where(p => file is null || string.CompareOrdinal(p, file) >= 0))
        {
            if (path != file)
            {
                file = path;
                offset = 0;
            }
            offset += await ReadCompleteLinesAsync(path, offset, lines, cancellationToken);
        }
        return lines;
    }

    /// <summary>Adds the complete lines after <paramref name="from"/> to <paramref name="lines"/>; returns the bytes they took.</summary>
    private static async Task<long> ReadCompleteLinesAsync(string path, long from, List<byte[]> lines, CancellationToken cancellationToken)
    {
        byte[] rest;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= from) return 0;
            stream.Position = from;
            rest = new byte[stream.Length - from];
            await stream.ReadExactlyAsync(rest, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return 0; // pruned meanwhile
        }
        var consumed = 0;
        for (var newline = Array.IndexOf(rest, (byte)'\n'); newline >= 0; newline = Array.IndexOf(rest, (byte)'\n', consumed))
        {
            lines.Add(rest[consumed..newline]);
            consumed = newline + 1;
        }
        return consumed;
    }
}
