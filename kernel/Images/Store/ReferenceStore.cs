using System.Text.Json;
using Berth.Kernel.Images.References;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Images.Store;

/// <summary>
/// Tags (<c>repo:tag</c>) and digests (<c>repo@sha256:…</c>) pointing at image ids, kept as Moby keeps them in
/// <c>repositories.json</c>: <c>{"Repositories":{"busybox":{"busybox:latest":"sha256:…"}}}</c> with familiar names,
/// written atomically as a whole on every change.
/// </summary>
public sealed class ReferenceStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string file;
    private readonly Dictionary<string, string> references = new(StringComparer.Ordinal); // familiar string → image id

    private ReferenceStore(string file) => this.file = file;

    public static async Task<ReferenceStore> LoadAsync(string file, CancellationToken cancellationToken)
    {
        var store = new ReferenceStore(file);
        if (!File.Exists(file)) return store;
        var content = JsonSerializer.Deserialize<RepositoriesFile>(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
        foreach (var (_, refs) in content?.Repositories ?? [])
            foreach (var (name, id) in refs)
                if (ImageReference.TryParse(name, out var parsed) && parsed is not null) store.references[parsed.FamiliarString] = id;
        return store;
    }

    public string? Get(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        lock (references) return references.GetValueOrDefault(reference.FamiliarString);
    }

    /// <summary>Every reference to <paramref name="imageId"/>, as parsed references.</summary>
    public IReadOnlyList<ImageReference> ReferencesTo(string imageId)
    {
        lock (references)
            return [.. references.Where(r => r.Value == imageId).Select(r => ImageReference.Parse(r.Key)).OrderBy(r => r.FamiliarString, StringComparer.Ordinal)];
    }

    public IReadOnlyDictionary<string, string> All
    {
        get
        {
            lock (references) return new Dictionary<string, string>(references, StringComparer.Ordinal);
        }
    }

    /// <returns>The image the reference pointed at before, if any.</returns>
    public async Task<string?> SetAsync(ImageReference reference, string imageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string? previous;
        lock (references)
        {
            previous = references.GetValueOrDefault(reference.FamiliarString);
            if (previous == imageId) return previous;
            references[reference.FamiliarString] = imageId;
        }
        await SaveAsync(cancellationToken).ConfigureAwait(false);
        return previous;
    }

    public async Task<bool> RemoveAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        lock (references)
        {
            if (!references.Remove(reference.FamiliarString)) return false;
        }
        await SaveAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var content = new RepositoriesFile(new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal));
        lock (references)
        {
            foreach (var (name, id) in references)
            {
                var repository = ImageReference.Parse(name).FamiliarRepository;
                if (!content.Repositories.TryGetValue(repository, out var refs)) content.Repositories[repository] = refs = new(StringComparer.Ordinal);
                refs[name] = id;
            }
        }
        await AtomicFile.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(content, Json), cancellationToken).ConfigureAwait(false);
    }

    private sealed record RepositoriesFile(Dictionary<string, Dictionary<string, string>> Repositories);
}
