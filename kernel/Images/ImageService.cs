using Berth.Kernel.Events;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk;

namespace Berth.Kernel.Images;

/// <summary>
/// The image store's behaviour as Moby's daemon/images has it: finding an image by reference or id, registering,
/// tagging and deleting (untag vs delete, conflicts), and releasing layers and blobs nothing uses any more.
/// </summary>
public sealed class ImageService(
    ContentStore content, LayerStore layers, ImageStore images, ReferenceStore references,
    EventsService events, IImageUsage usage, TimeProvider time)
{
    public ContentStore Content { get; } = content;
    public LayerStore Layers { get; } = layers;
    public ImageStore Images { get; } = images;
    public ReferenceStore References { get; } = references;
    public EventsService Events { get; } = events;
    public IImageUsage Usage { get; } = usage;

    /// <exception cref="BerthException">404 <c>No such image: …</c>.</exception>
    public ImageEntry Resolve(string nameOrId) =>
        TryResolve(nameOrId) ?? throw BerthException.NotFound($"No such image: {nameOrId}");

    public ImageEntry? TryResolve(string nameOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        if (nameOrId.StartsWith(Digests.Prefix, StringComparison.Ordinal))
            return ByIdPrefix(nameOrId[Digests.Prefix.Length..]);
        if (ImageReference.TryParse(nameOrId, out var reference) && reference is not null
            && References.Get(reference.WithDefaultTag()) is { } id && Images.Find(id) is { } byReference)
            return byReference;
        return IsHex(nameOrId) ? ByIdPrefix(nameOrId) : null;
    }

    /// <summary>True when <paramref name="nameOrId"/> names <paramref name="image"/> by id (full or prefix), not by reference.</summary>
    public static bool IsIdOf(string nameOrId, ImageEntry image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var hex = nameOrId.StartsWith(Digests.Prefix, StringComparison.Ordinal) ? nameOrId[Digests.Prefix.Length..] : nameOrId;
        return IsHex(hex) && image.Id.AsSpan(Digests.Prefix.Length).StartsWith(hex, StringComparison.Ordinal);
    }

    /// <summary>Stores the config and registers the image (its layers must be registered), then points the references at it.</summary>
    public async Task<ImageEntry> RegisterAsync(ImageConfig config, IReadOnlyList<ImageReference> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tags);
        await Content.WriteAsync(config.Bytes, config.Id, cancellationToken).ConfigureAwait(false);
        using var held = await Images.LockAsync(cancellationToken).ConfigureAwait(false);
        // A layer found "already there" may have gone with an image removed meanwhile: never register a partial image.
        var missing = ChainIds.Of(config.DiffIds).FirstOrDefault(c => Layers.Find(c) is null);
        if (missing is not null)
            throw BerthException.Conflict($"layer {missing} was removed while the image was being registered; try again");
        var entry = await Images.AddAsync(config, tags.Count > 0 ? time.GetUtcNow() : null, cancellationToken).ConfigureAwait(false);
        foreach (var tag in tags) await PointAsync(tag, entry.Id, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task TagAsync(string source, string repository, string? tag, CancellationToken cancellationToken)
    {
        var image = Resolve(source);
        var target = ParseTagTarget(repository, tag);
        using var held = await Images.LockAsync(cancellationToken).ConfigureAwait(false);
        await PointAsync(target, image.Id, cancellationToken).ConfigureAwait(false);
        await Images.AddAsync(image.Config, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moby's <c>docker tag</c> target rules: a valid name, no digest, tag defaulting to latest.</summary>
    public static ImageReference ParseTagTarget(string repository, string? tag)
    {
        var reference = ImageReference.Parse(repository);
        if (reference.Digest is not null) throw BerthException.Invalid("refusing to create a tag with a digest reference");
        if (!string.IsNullOrEmpty(tag))
        {
            if (reference.Tag is not null) throw BerthException.Invalid($"invalid reference format: {repository}:{tag}");
            reference = reference.WithTag(tag);
        }
        return reference.WithDefaultTag();
    }

    /// <summary>Points a reference at an image (under the store lock); a tag moved off an image is an untag event.</summary>
    public async Task PointAsync(ImageReference reference, string imageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var previous = await References.SetAsync(reference, imageId, cancellationToken).ConfigureAwait(false);
        if (previous == imageId) return;
        if (previous is not null) Events.Publish("image", "untag", previous, new Dictionary<string, string> { ["name"] = reference.FamiliarString });
        Events.Publish("image", "tag", imageId, new Dictionary<string, string> { ["name"] = reference.FamiliarString });
    }

    public async Task<IReadOnlyList<ImageDeleteItem>> DeleteAsync(string nameOrId, bool force, CancellationToken cancellationToken)
    {
        using var held = await Images.LockAsync(cancellationToken).ConfigureAwait(false);
        var image = Resolve(nameOrId);
        var records = new List<ImageDeleteItem>();
        var (containers, running) = Usage.ContainersUsing(image.Id);
        var refs = References.ReferencesTo(image.Id);
        var removedReference = false;
        if (!IsIdOf(nameOrId, image))
        {
            if (containers.Count > 0 && refs.Count == 1 && !force)
                throw BerthException.Conflict($"conflict: unable to remove repository reference \"{nameOrId}\" (must force) - container {Digests.Short(containers[0])} is using its referenced image {Digests.Short(image.Id)}");
            var named = ImageReference.Parse(nameOrId).WithDefaultTag();
            await UntagAsync(named, image.Id, records, cancellationToken).ConfigureAwait(false);
            refs = References.ReferencesTo(image.Id);
            if (named.Digest is null && !refs.Any(r => r.Digest is null && r.Repository == named.Repository))
            {
                foreach (var digestRef in refs.Where(r => r.Digest is not null && r.Repository == named.Repository))
                    await UntagAsync(digestRef, image.Id, records, cancellationToken).ConfigureAwait(false);
                refs = References.ReferencesTo(image.Id);
            }
            if (refs.Count > 0) return records;
            removedReference = true;
        }
        else if (refs.Count > 0 && (force || IsSingleRepository(refs)))
        {
            foreach (var reference in refs) await UntagAsync(reference, image.Id, records, cancellationToken).ConfigureAwait(false);
        }
        else if (refs.Count > 0)
        {
            throw BerthException.Conflict($"conflict: unable to delete {Digests.Short(image.Id)} (must be forced) - image is referenced in multiple repositories");
        }

        if (running && (!removedReference || !force))
            throw BerthException.Conflict($"conflict: unable to delete {Digests.Short(image.Id)} (cannot be forced) - image is being used by running container {Digests.Short(containers[0])}");
        if (containers.Count > 0 && !force)
        {
            if (removedReference) return records; // the untag alone was asked for; the image stays for its container
            throw BerthException.Conflict($"conflict: unable to delete {Digests.Short(image.Id)} (must be forced) - image is being used by stopped container {Digests.Short(containers[0])}");
        }
        if (containers.Count > 0) return records; // forced: references go, the image stays while containers use it
        if (HasChildren(image))
            throw BerthException.Conflict($"conflict: unable to delete {Digests.Short(image.Id)} (cannot be forced) - image has dependent child images");
        await RemoveImageAsync(image, records, cancellationToken).ConfigureAwait(false);
        return records;
    }

    /// <summary>Deletes the images a prune selects (under the store lock per image); returns what went and the space reclaimed.</summary>
    public async Task<(IReadOnlyList<ImageDeleteItem> Items, long Reclaimed)> PruneAsync(bool danglingOnly, Func<ImageEntry, bool> selected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var items = new List<ImageDeleteItem>();
        long reclaimed = 0;
        using var held = await Images.LockAsync(cancellationToken).ConfigureAwait(false);
        foreach (var image in Images.All.OrderByDescending(i => i.ChainIds.Count))
        {
            var refs = References.ReferencesTo(image.Id);
            if (danglingOnly && refs.Count > 0) continue;
            if (!selected(image) || Usage.ContainersUsing(image.Id).ContainerIds.Count > 0 || HasChildren(image)) continue;
            foreach (var reference in refs) await UntagAsync(reference, image.Id, items, cancellationToken).ConfigureAwait(false);
            reclaimed += await RemoveImageAsync(image, items, cancellationToken).ConfigureAwait(false);
        }
        return (items, reclaimed);
    }

    /// <summary>Size of an image: the uncompressed size of its layers.</summary>
    public long SizeOf(ImageEntry image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.ChainIds.Sum(c => Layers.Find(c)?.Size ?? 0);
    }

    /// <summary>Deletes a layer blob no registered layer names (a failed import or load, or a removed layer's).</summary>
    public void DeleteBlobUnlessUsed(string digest)
    {
        if (!Layers.All.Any(l => l.Blobs.Any(b => b.Digest == digest))) Content.Delete(digest);
    }

    private async Task UntagAsync(ImageReference reference, string imageId, List<ImageDeleteItem> records, CancellationToken cancellationToken)
    {
        if (!await References.RemoveAsync(reference, cancellationToken).ConfigureAwait(false))
            throw BerthException.NotFound($"No such image: {reference.FamiliarString}");
        records.Add(ImageDeleteItem.UntaggedRef(reference.FamiliarString));
        Events.Publish("image", "untag", imageId, new Dictionary<string, string> { ["name"] = reference.FamiliarString });
    }

    /// <returns>The bytes of the layers that went with the image.</returns>
    private async Task<long> RemoveImageAsync(ImageEntry image, List<ImageDeleteItem> records, CancellationToken cancellationToken)
    {
        long freed = 0;
        Images.Remove(image.Id);
        records.Add(ImageDeleteItem.DeletedId(image.Id));
        Events.Publish("image", "delete", image.Id, new Dictionary<string, string> { ["name"] = image.Id });
        var inUse = Images.All.SelectMany(i => i.ChainIds).ToHashSet(StringComparer.Ordinal);
        for (var i = image.ChainIds.Count - 1; i >= 0; i--)
        {
            var chainId = image.ChainIds[i];
            if (inUse.Contains(chainId)) break; // parents of a used layer are used too
            var layer = Layers.Find(chainId);
            if (layer is null) continue;
            await Layers.RemoveAsync(chainId, cancellationToken).ConfigureAwait(false);
            foreach (var blob in layer.Blobs) DeleteBlobUnlessUsed(blob.Digest);
            records.Add(ImageDeleteItem.DeletedId(chainId));
            freed += layer.Size;
        }
        return freed;
    }

    private bool HasChildren(ImageEntry image) =>
        Images.All.Any(other => other.Id != image.Id && other.Config.ParentId == image.Id);

    private static bool IsSingleRepository(IReadOnlyList<ImageReference> refs) =>
        refs.Count(r => r.Digest is null) <= 1 && refs.Select(r => r.Repository).Distinct(StringComparer.Ordinal).Count() == 1;

    private ImageEntry? ByIdPrefix(string hexPrefix)
    {
        if (hexPrefix.Length == 0 || !IsHex(hexPrefix)) return null;
        var matches = Images.FindByPrefix(hexPrefix);
        if (matches.Count > 1) throw BerthException.Invalid($"multiple IDs found with provided prefix: {hexPrefix}");
        return matches.Count == 1 ? matches[0] : null;
    }

    private static bool IsHex(string text) => text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
