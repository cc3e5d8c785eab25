using System.Text.Json;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Layers;
using Berth.Sdk;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Images.Store;

/// <summary>
/// Image records (<c>&lt;root&gt;/&lt;hex&gt;.json</c>), each naming a config blob in the content store whose digest is
/// the image id. An image is registered only after its config blob and every layer are in place, so a record always
/// names a whole image. Changes to images, references and layers are serialised by <see cref="LockAsync"/>.
/// </summary>
public sealed class ImageStore
{
    private static readonly JsonSerializerOptions Json = new();
    private readonly string root;
    private readonly ContentStore content;
    private readonly Dictionary<string, ImageEntry> images = new(StringComparer.Ordinal);
    private readonly AsyncLock gate = new();

    private ImageStore(string root, ContentStore content)
    {
        this.root = root;
        this.content = content;
    }

    public static async Task<ImageStore> LoadAsync(string root, ContentStore content, LayerStore layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(layers);
        Directory.CreateDirectory(root);
        var store = new ImageStore(root, content);
        foreach (var file in Directory.EnumerateFiles(root, "*.json"))
        {
            try
            {
                var record = JsonSerializer.Deserialize<ImageRecord>(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), Json);
                if (record is null || !content.Exists(record.Id)) continue;
                var config = ImageConfig.Parse(await content.ReadAllBytesAsync(record.Id, cancellationToken).ConfigureAwait(false));
                var chain = ChainIds.Of(config.DiffIds);
                if (chain.Any(c => layers.Find(c) is null))
                {
                    Serilog.Log.Warning("image {Id} lost a layer; dropping it", record.Id);
                    File.Delete(file);
                    continue;
                }
                store.images[record.Id] = new ImageEntry(record, config, chain);
            }
            catch (Exception ex) when (ex is JsonException or BerthException)
            {
                Serilog.Log.Warning("unreadable image record {File}: {Message}; dropping it", file, ex.Message);
                File.Delete(file);
            }
        }
        foreach (var temp in Directory.EnumerateFiles(root, ".*.tmp")) File.Delete(temp);
        return store;
    }

    public Task<IDisposable> LockAsync(CancellationToken cancellationToken) => gate.LockAsync(cancellationToken);

    public IReadOnlyList<ImageEntry> All
    {
        get
        {
            lock (images) return [.. images.Values];
        }
    }

    public ImageEntry? Find(string id)
    {
        lock (images) return images.GetValueOrDefault(id);
    }

    /// <summary>Images whose id starts with <paramref name="hexPrefix"/>.</summary>
    public IReadOnlyList<ImageEntry> FindByPrefix(string hexPrefix)
    {
        lock (images) return [.. images.Values.Where(i => i.Id.AsSpan(Digests.Prefix.Length).StartsWith(hexPrefix, StringComparison.Ordinal))];
    }

    /// <summary>Registers an image whose config blob and layers are in place (call under <see cref="LockAsync"/>).</summary>
    public async Task<ImageEntry> AddAsync(ImageConfig config, DateTimeOffset? lastTagTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var existing = Find(config.Id);
        if (existing is not null && lastTagTime is null) return existing;
        var record = new ImageRecord(config.Id, lastTagTime ?? existing?.Record.LastTagTime);
        await AtomicFile.WriteAllBytesAsync(FileOf(config.Id), JsonSerializer.SerializeToUtf8Bytes(record, Json), cancellationToken).ConfigureAwait(false);
        var entry = new ImageEntry(record, config, ChainIds.Of(config.DiffIds));
        lock (images) images[config.Id] = entry;
        return entry;
    }

    public void Remove(string id)
    {
        File.Delete(FileOf(id));
        AtomicFile.SyncDirectory(root);
        lock (images) images.Remove(id);
        content.Delete(id);
    }

    private string FileOf(string id) => Path.Combine(root, Digests.Hex(id) + ".json");
}
