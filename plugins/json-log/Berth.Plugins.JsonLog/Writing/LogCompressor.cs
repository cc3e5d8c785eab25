using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Berth.Plugins.JsonLog.Format;

namespace Berth.Plugins.JsonLog.Writing;

/// <summary>
/// Compresses a rotated file to <c>name.gz</c> as moby's loggerutils.compressFile does: a gzip member whose header
/// extra field holds <c>{"lastTime":"…"}</c>, the time of the file's last entry, so readers can skip the file for
/// <c>--since</c> without inflating it. The source is deleted only once the archive is complete.
/// </summary>
internal static class LogCompressor
{
    public const string Extension = ".gz";
    private const int BufferSize = 1 << 16;

    /// <param name="lastTimeNano">Unix nanoseconds of the last entry, or null when unknown (Go's zero time).</param>
    public static async Task CompressAsync(string source, long? lastTimeNano, CancellationToken cancellationToken)
    {
        FileStream input;
        try
        {
            input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return;
        }
        var target = source + Extension;
        await using (input.ConfigureAwait(false))
        {
            try
            {
                await WriteArchiveAsync(input, target, lastTimeNano, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                TryDelete(target);
                throw;
            }
        }
        File.Delete(source);
    }

    private static async Task WriteArchiveAsync(FileStream input, string target, long? lastTimeNano, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            BufferSize = BufferSize,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        };
        var output = new FileStream(target, options);
        await using (output.ConfigureAwait(false))
        {
            await output.WriteAsync(Header(lastTimeNano), cancellationToken).ConfigureAwait(false);
            var crc = new Crc32();
            long length = 0;
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
                await using (deflate.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        crc.Append(buffer.AsSpan(0, read));
                        length += read;
                        await deflate.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            var trailer = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)length);
            await output.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The 10-byte gzip header as Go writes it (no mtime, OS unknown) with the FEXTRA flag and field.</summary>
    private static byte[] Header(long? lastTimeNano)
    {
        var time = lastTimeNano is { } nanos ? Rfc3339Nano.Format(nanos) : "0001-01-01T00:00:00Z";
        var extra = Encoding.ASCII.GetBytes($"{{\"lastTime\":\"{time}\"}}");
        var header = new byte[12 + extra.Length];
        header[0] = 0x1f;
        header[1] = 0x8b;
        header[2] = 8;
        header[3] = 4;
        header[9] = 255;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)extra.Length);
        extra.CopyTo(header, 12);
        return header;
    }

    /// <summary>The last entry time a compressed file's header records; null when absent or unreadable.</summary>
    public static long? ReadLastTime(Stream gzip)
    {
        ArgumentNullException.ThrowIfNull(gzip);
        Span<byte> header = stackalloc byte[12];
        if (gzip.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12 || header[0] != 0x1f || header[1] != 0x8b || (header[3] & 4) == 0) return null;
        var extra = new byte[BinaryPrimitives.ReadUInt16LittleEndian(header[10..])];
        if (gzip.ReadAtLeast(extra, extra.Length, throwOnEndOfStream: false) < extra.Length) return null;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(extra);
            return json.RootElement.TryGetProperty("lastTime", out var value)
                && value.GetString() is { } text
                && Rfc3339Nano.TryParse(Encoding.UTF8.GetBytes(text), out var nanos)
                && !text.StartsWith("0001-01-01T00:00:00", StringComparison.Ordinal)
                ? nanos
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
