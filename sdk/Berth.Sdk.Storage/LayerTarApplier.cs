namespace Berth.Sdk.Storage;

/// <summary>Applies a layer tar (plain, gzip or zstd) under a directory and says what its uncompressed bytes hash to.</summary>
public static class LayerTarApplier
{
    /// <summary>
    /// Reads <paramref name="layer"/> to its end, writes its entries under <paramref name="root"/> (an existing
    /// directory) and returns the sha256 and size of the whole uncompressed tar. A tar that is corrupt, truncated or
    /// reaches outside the root is refused with a 400 <see cref="BerthException"/>; what was written until then stays
    /// (the caller removes the root). A full disk is a 500 saying so. <paramref name="layer"/> is not disposed.
    /// </summary>
    public static async Task<LayerDigest> ApplyAsync(Stream layer, string root, WhiteoutFormat whiteouts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root)) throw new BerthException($"applying layer: {root} is not a directory");
        try
        {
            var plain = await LayerCompression.OpenDecompressedAsync(layer, cancellationToken).ConfigureAwait(false);
            await using (plain.ConfigureAwait(false))
            {
                var reader = new LayerTarReader(plain);
                await using (reader.ConfigureAwait(false))
                {
                    using var unpacker = new LayerUnpacker(Path.GetFullPath(root).TrimEnd('/'), whiteouts);
                    while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        await unpacker.ApplyAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                    unpacker.Finish();
                    await reader.DrainAsync(cancellationToken).ConfigureAwait(false);
                    return reader.Digest;
                }
            }
        }
        catch (EndOfStreamException ex)
        {
            throw LayerEntryErrors.UnexpectedEof(ex);
        }
        catch (IOException ex) when (Errno.IsNoSpace(ex))
        {
            throw LayerEntryErrors.NoSpace(ex);
        }
    }
}
