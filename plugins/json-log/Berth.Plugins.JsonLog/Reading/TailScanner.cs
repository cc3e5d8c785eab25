using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.JsonLog.Reading;

/// <summary>
/// Finds the last lines of a file by reading it backwards in blocks, so <c>--tail</c> on a gigabyte log reads only the
/// end of it.
/// </summary>
internal static class TailScanner
{
    private const int BlockSize = 1 << 16;

    /// <summary>
    /// Where the last <paramref name="lines"/> lines before <paramref name="end"/> (just past a newline) start, and how
    /// many lines that is (fewer when the file holds fewer).
    /// </summary>
    public static async ValueTask<(long Start, int Found)> FindStartAsync(SafeFileHandle file, long end, int lines, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            var newlines = 0;
            var position = end;
            while (position > 0)
            {
                var size = (int)Math.Min(BlockSize, position);
                position -= size;
                await ReadExactlyAsync(file, buffer.AsMemory(0, size), position, cancellationToken).ConfigureAwait(false);
                // The newline just before `end` closes the last line, so the start is after newline number lines + 1.
                var index = CountBack(buffer.AsSpan(0, size), ref newlines, lines + 1);
                if (index >= 0) return (position + index + 1, lines);
            }
            return (0, newlines);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The offset just past the last newline before <paramref name="size"/>: where complete lines end.</summary>
    public static async ValueTask<long> LastLineEndAsync(SafeFileHandle file, long size, CancellationToken cancellationToken) =>
        (await FindStartAsync(file, size, 0, cancellationToken).ConfigureAwait(false)).Start;

    private static int CountBack(ReadOnlySpan<byte> block, ref int newlines, int target)
    {
        var end = block.Length;
        while (true)
        {
            var index = block[..end].LastIndexOf((byte)'\n');
            if (index < 0) return -1;
            if (++newlines == target) return index;
            end = index;
        }
    }

    private static async ValueTask ReadExactlyAsync(SafeFileHandle file, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var read = await RandomAccess.ReadAsync(file, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new IOException("the log file shrank while it was read");
            buffer = buffer[read..];
            offset += read;
        }
    }
}
