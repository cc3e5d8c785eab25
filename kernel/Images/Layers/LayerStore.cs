using System.Security.Cryptography;
using System.Text.Json;
using Berth.Kernel.Images.Content;
using Berth.Sdk;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Images.Layers;

/// <summary>
/// Layers keyed by chain id. Their files live in the storage plugin as committed snapshots named by the chain id;
/// the records (<c>&lt;root&gt;/&lt;hex&gt;.json</c>) are written only after the snapshot is committed, so a record
/// always names a whole layer. Applying the same chain twice at once is harmless: the second commit finds the first.
/// </summary>
public sealed class LayerStore
{
    private static readonly JsonSerializerOptions Json = new();
    private readonly string root;
    private readonly Func<ISnapshotter> snapshotter;
    private readonly Dictionary<string, LayerRecord> layers = new(StringComparer.Ordinal);

    private LayerStore(string root, Func<ISnapshotter> snapshotter)
    {
        this.root = root;
        this.snapshotter = snapshotter;
    }

    public static async Task<LayerStore> LoadAsync(string root, Func<ISnapshotter> snapshotter, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var store = new LayerStore(root, snapshotter);
        foreach (var file in Directory.EnumerateFiles(root, "*.json"))
        {
            try
            {
                var record = JsonSerializer.Deserialize<LayerRecord>(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), Json);
                if (record is not null && Digests.IsValid(record.ChainId)) store.layers[record.ChainId] = record;
            }
            catch (JsonException)
            {
                File.Delete(file);
            }
        }
        foreach (var temp in Directory.EnumerateFiles(root, ".*.tmp")) File.Delete(temp);
        return store;
    }

    public LayerRecord? Find(string chainId)
    {
        lock (layers) return layers.GetValueOrDefault(chainId);
    }

    public IReadOnlyList<LayerRecord> All
    {
        get
        {
            lock (layers) return [.. layers.Values];
        }
    }

    /// <summary>
    /// Applies a layer blob on top of <paramref name="parentChainId"/> and registers it. When
    /// <paramref name="expectedDiffId"/> is given the blob's uncompressed digest must equal it (and a layer already
    /// registered is not applied again); on any failure the half-applied snapshot is removed.
    /// </summary>
    public async Task<LayerRecord> ApplyAsync(string? parentChainId, string? expectedDiffId, string blobPath, LayerBlob? blob, CancellationToken cancellationToken)
    {
        if (expectedDiffId is not null && Find(ChainIds.Next(parentChainId, expectedDiffId)) is { } known)
            return blob is null ? known : await AddBlobAsync(known.ChainId, blob, cancellationToken).ConfigureAwait(false);
        if (parentChainId is not null && Find(parentChainId) is null) throw BerthException.NotFound($"parent layer {parentChainId} is not registered");

        var storage = snapshotter();
        var key = $"extract-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        await storage.PrepareAsync(key, parentChainId, null, cancellationToken).ConfigureAwait(false);
        var committed = false;
        try
        {
            var applied = await storage.ApplyLayerAsync(key, blobPath, cancellationToken).ConfigureAwait(false);
            if (expectedDiffId is not null && applied.DiffId != expectedDiffId)
                throw BerthException.Invalid($"layer verification failed: the layer's content is {applied.DiffId}, the image config names {expectedDiffId}");
            var chainId = ChainIds.Next(parentChainId, applied.DiffId);
            if (Find(chainId) is null)
            {
                try
                {
                    await storage.CommitAsync(chainId, key, null, cancellationToken).ConfigureAwait(false);
                    committed = true;
                }
                catch (BerthException ex) when (ex.Kind == BerthErrorKind.Conflict)
                {
                    // committed by a concurrent pull, or left by a crash before its record was written: same content
                }
            }
            var record = Find(chainId) ?? await SaveAsync(new LayerRecord(chainId, applied.DiffId, parentChainId, applied.Size, []), cancellationToken).ConfigureAwait(false);
            return blob is null ? record : await AddBlobAsync(chainId, blob, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!committed) await RemoveSnapshotQuietlyAsync(storage, key).ConfigureAwait(false);
        }
    }

    public async Task<LayerRecord> AddBlobAsync(string chainId, LayerBlob blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var record = Find(chainId) ?? throw BerthException.NotFound($"layer {chainId} is not registered");
        var blobs = record.Blobs.ToList();
        var index = blobs.FindIndex(b => b.Digest == blob.Digest);
        if (index >= 0)
        {
            var merged = blobs[index].Repositories.Union(blob.Repositories, StringComparer.Ordinal).ToList();
            if (merged.Count == blobs[index].Repositories.Count) return record;
            blobs[index] = blobs[index] with { Repositories = merged };
        }
        else
        {
            blobs.Add(blob);
        }
        return await SaveAsync(record with { Blobs = blobs }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a layer no image uses any more: record first (so nothing names a half-removed layer), then its snapshot.</summary>
    public async Task RemoveAsync(string chainId, CancellationToken cancellationToken)
    {
        File.Delete(FileOf(chainId));
        AtomicFile.SyncDirectory(root);
        lock (layers) layers.Remove(chainId);
        try
        {
            await snapshotter().RemoveAsync(chainId, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException ex) when (ex.Kind == BerthErrorKind.NotFound)
        {
            // already gone
        }
    }

    private async Task<LayerRecord> SaveAsync(LayerRecord record, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAllBytesAsync(FileOf(record.ChainId), JsonSerializer.SerializeToUtf8Bytes(record, Json), cancellationToken).ConfigureAwait(false);
        lock (layers) layers[record.ChainId] = record;
        return record;
    }

    private string FileOf(string chainId) => Path.Combine(root, Digests.Hex(chainId) + ".json");

    private static async Task RemoveSnapshotQuietlyAsync(ISnapshotter storage, string key)
    {
        try
        {
            await storage.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BerthException or IOException or OperationCanceledException)
        {
            Serilog.Log.Warning("could not remove the half-applied snapshot {Key}: {Message}; it is reclaimed at the next start", key, ex.Message);
        }
    }
}
