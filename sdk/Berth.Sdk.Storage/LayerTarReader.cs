using System.Formats.Tar;

namespace Berth.Sdk.Storage;

/// <summary>
/// System.Formats.Tar's reader over a plain layer tar, with what a layer needs on top: every byte hashed (the diff
/// id), header checksums verified (.NET 10's reader does not), its exceptions turned into 400s, and a stream that
/// ends between two entries accepted as the end, as Go's reader (and so Docker) does.
/// </summary>
internal sealed class LayerTarReader : IAsyncDisposable
{
    private const int RecordSize = DigestingReadStream.RecordSize;

    private readonly DigestingReadStream digesting;
    private readonly TarReader reader;
    private long endOfEntry; // where the last entry's data and padding end: a stream may stop there

    public LayerTarReader(Stream plain)
    {
        digesting = new DigestingReadStream(plain);
        reader = new TarReader(digesting, leaveOpen: true);
    }

    /// <summary>The digest and size of everything read so far; of the whole tar after <see cref="DrainAsync"/>.</summary>
    public LayerDigest Digest => digesting.Digest;

    /// <summary>The next entry, its header verified; null at the end of the archive. Its data must be read before the next call.</summary>
    public async Task<TarEntry?> NextAsync(CancellationToken cancellationToken)
    {
        TarEntry? entry;
        try
        {
            entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException) when (digesting.BytesRead == endOfEntry)
        {
            return null; // the stream stopped exactly where a header would start
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or OverflowException or NotSupportedException
                                       or InvalidOperationException or ArgumentException)
        {
            throw LayerEntryErrors.InvalidHeader(ex.Message, ex);
        }
        if (entry is null)
        {
            // A zero block, or the stream ended where a header would start. A block whose checksum field alone is
            // empty also reads as the end: refuse it rather than silently drop the rest of the layer.
            var cleanEnd = TarHeaderChecksum.IsZeroBlock(digesting.LastRecord) || (digesting.ReachedEnd && digesting.BytesRead == endOfEntry);
            if (!cleanEnd) throw LayerEntryErrors.InvalidHeader("a header without a checksum");
            return null;
        }
        // On a forward-only stream the reader has consumed exactly up to the end of this entry's header block.
        if (entry.EntryType != TarEntryType.GlobalExtendedAttributes && !TarHeaderChecksum.Matches(digesting.LastRecord, entry.Checksum))
        {
            throw LayerEntryErrors.InvalidHeader($"checksum mismatch in the header of \"{entry.Name}\"");
        }
        // A global header's data is already read; other entries' data and padding follow.
        endOfEntry = digesting.BytesRead
            + (entry.EntryType == TarEntryType.GlobalExtendedAttributes ? 0 : (entry.Length + RecordSize - 1) / RecordSize * RecordSize);
        return entry;
    }

    /// <summary>Reads what follows the end of the archive (padding) so the digest covers the whole blob.</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => digesting.DrainAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync().ConfigureAwait(false);
        await digesting.DisposeAsync().ConfigureAwait(false);
    }
}
