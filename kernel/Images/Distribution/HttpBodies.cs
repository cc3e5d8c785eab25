using System.Net.Http;

namespace Berth.Kernel.Images.Distribution;

internal static class HttpBodies
{
    /// <summary>Reads at most <paramref name="max"/> + 1 bytes, so a caller can tell "too large" without reading it all.</summary>
    public static async Task<byte[]> ReadAtMostAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream(declared is { } length && length <= max ? (int)length : 0);
            var chunk = new byte[81920];
            while (buffer.Length <= max)
            {
                var want = (int)Math.Min(chunk.Length, max + 1 - buffer.Length);
                var read = await stream.ReadAsync(chunk.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            return buffer.ToArray();
        }
    }
}
