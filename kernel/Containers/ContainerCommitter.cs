using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Daemon;
using Berth.Kernel.Images;
using Berth.Kernel.Images.Import;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Store;

namespace Berth.Kernel.Containers;

/// <summary><c>docker commit</c>: the container's changes become a layer on top of its image, with its config as the new image's.</summary>
public sealed class ContainerCommitter(ContainerService containers, ImageService images, ImageSubsystem imageSubsystem, TimeProvider time)
{
    public sealed record Request(string Container, string? Repository, string? Tag, string? Comment, string? Author, bool Pause, IReadOnlyList<string> Changes, JsonObject? Config);

    public async Task<ImageEntry> CommitAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var container = containers.Get(request.Container);
        var tag = string.IsNullOrEmpty(request.Repository) ? null : ImageService.ParseTagTarget(request.Repository, request.Tag);
        var config = (request.Config ?? container.Config).DeepClone().AsObject();
        DockerfileChanges.Apply(config, request.Changes);
        var parent = images.Resolve(container.ImageId);

        var pause = request.Pause && container.State.Running && !container.State.Paused;
        if (pause) await containers.PauseAsync(container.Id, cancellationToken).ConfigureAwait(false);
        LayerRecord layer;
        try
        {
            layer = await WriteLayerAsync(container, parent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (pause) await containers.UnpauseAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
        }

        var image = JsonNode.Parse(parent.Config.Bytes)!.AsObject();
        var created = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        config.Remove("Image");
        image["config"] = config;
        image["container"] = container.Id;
        image["created"] = created;
        image["docker_version"] = KernelInfo.Version;
        image["parent"] = parent.Id;
        if (!string.IsNullOrEmpty(request.Author)) image["author"] = request.Author;
        if (!string.IsNullOrEmpty(request.Comment)) image["comment"] = request.Comment;
        var history = image["history"] as JsonArray ?? [];
        var step = new JsonObject { ["created"] = created, ["created_by"] = string.Join(' ', container.Command) };
        if (!string.IsNullOrEmpty(request.Author)) step["author"] = request.Author;
        if (!string.IsNullOrEmpty(request.Comment)) step["comment"] = request.Comment;
        history.Add(step);
        image["history"] = history;
        var rootfs = image["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        var diffIds = rootfs["diff_ids"] as JsonArray ?? [];
        diffIds.Add(layer.DiffId);
        rootfs["diff_ids"] = diffIds;
        image["rootfs"] = rootfs;

        var entry = await images.RegisterAsync(ImageConfig.Parse(JsonSerializer.SerializeToUtf8Bytes(image)), tag is null ? [] : [tag], cancellationToken).ConfigureAwait(false);
        containers.Events.Publish(container, "commit", new Dictionary<string, string> { ["comment"] = request.Comment ?? "", ["imageID"] = entry.Id, ["imageRef"] = tag?.ToString() ?? "" });
        return entry;
    }

    private async Task<LayerRecord> WriteLayerAsync(Container container, ImageEntry parent, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"berth-commit-{container.Id}-{Guid.NewGuid():N}.tar");
        try
        {
            await imageSubsystem.Snapshotter.WriteDiffAsync(container.Id, temp, cancellationToken).ConfigureAwait(false);
            BlobInfo blob;
            await using (var tar = File.OpenRead(temp))
            {
                blob = await images.Content.WriteAsync(tar, null, cancellationToken).ConfigureAwait(false);
            }
            var layerBlob = new LayerBlob(blob.Digest, MediaTypes.DockerLayer, blob.Size, []);
            return await images.Layers.ApplyAsync(parent.ChainIds.Count > 0 ? parent.ChainIds[^1] : null, blob.Digest,
                images.Content.BlobPath(blob.Digest), layerBlob, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
