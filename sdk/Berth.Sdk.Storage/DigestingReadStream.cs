using System.Buffers;
using System.Security.Cryptography;

namespace Berth.Sdk.Storage;

/// <summary>
/// A read-through stream that hashes (SHA-256) and counts every byte its reader takes, and remembers the last tar
/// record (512 bytes) taken: after a tar reader returns an entry, that is the entry's header block, whose checksum
/// is then verified. Never disposes the inner stream.
/// </summary>
internal sealed class DigestingReadStream(Stream inner) : ReadOnlyWrapperStream
{
    public const int RecordSize = 512;

    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] lastRecord = new byte[RecordSize];
    private long count;

    /// <summary>How many bytes the reader has taken so far.</summary>
    public long BytesRead => count;

    /// <summary>Whether a read has come back empty: the inner stream is exhausted.</summary>
    public bool ReachedEnd { get; private set; }

    /// <summary>The last 512 bytes read (fewer at the very start).</summary>
    public ReadOnlySpan<byte> LastRecord => count >= RecordSize ? lastRecord : lastRecord.AsSpan(RecordSize - (int)count);

    public LayerDigest Digest => new($"sha256:{Convert.ToHexStringLower(hash.GetCurrentHash())}", count);

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..read]);
        return read;
    }

    /// <summary>Reads what is left (the rest of the end-of-archive padding) so the digest covers the whole blob.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            ReachedEnd = true;
            return;
        }
        hash.AppendData(data);
        count += data.Length;
        if (data.Length >= RecordSize)
        {
            data[^RecordSize..].CopyTo(lastRecord);
        }
        else
        {
            lastRecord.AsSpan(data.Length).CopyTo(lastRecord);
            data.CopyTo(lastRecord.AsSpan(RecordSize - data.Length));
        }
    }
}
