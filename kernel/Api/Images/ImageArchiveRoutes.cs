using Berth.Kernel.Images;
using Berth.Kernel.Images.Archive;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Images;

/// <summary><c>POST /images/load</c>, <c>GET /images/get</c> and <c>GET /images/{name}/get</c>.</summary>
public static class ImageArchiveRoutes
{
    public static async Task LoadAsync(HttpContext context)
    {
        var loader = context.RequestServices.GetRequiredService<ImageLoader>();
        var lines = await loader.LoadAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        var progress = new JsonMessageStream(context.Response, context.RequestServices.GetRequiredService<TimeProvider>());
        foreach (var line in lines) await progress.StreamAsync(line + "\n").ConfigureAwait(false);
        if (lines.Count == 0) await progress.StreamAsync("").ConfigureAwait(false);
    }

    public static Task SaveManyAsync(HttpContext context) =>
        SaveAsync(context, [.. context.Request.Query["names"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!)]);

    public static async Task SaveAsync(HttpContext context, IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw BerthException.Invalid("no images named to save");
        var images = ImageRoutes.Images(context);
        var selection = new List<(ImageEntry Image, IReadOnlyList<ImageReference> Tags)>();
        foreach (var name in names) selection.AddRange(Select(images, name));
        var merged = selection.GroupBy(s => s.Image.Id)
            .Select(g => (g.First().Image, (IReadOnlyList<ImageReference>)[.. g.SelectMany(s => s.Tags).DistinctBy(t => t.FamiliarString)]))
            .ToList();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-tar";
        var saver = context.RequestServices.GetRequiredService<ImageSaver>();
        await saver.SaveAsync(merged, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        foreach (var (image, _) in merged)
            images.Events.Publish("image", "save", image.Id, new Dictionary<string, string> { ["name"] = image.Id });
    }

    /// <summary>Moby's choice of tags: the one named; all of the repository's for a bare name; none for an id.</summary>
    private static IEnumerable<(ImageEntry, IReadOnlyList<ImageReference>)> Select(ImageService images, string name)
    {
        var image = images.TryResolve(name);
        if (image is not null && ImageService.IsIdOf(name, image)) return [(image, [])];
        if (ImageReference.TryParse(name, out var reference) && reference.IsNameOnly)
        {
            var tagged = images.References.All
                .Select(r => (Reference: ImageReference.Parse(r.Key), Id: r.Value))
                .Where(r => r.Reference.Repository == reference.Repository && r.Reference.Tag is not null && r.Reference.Digest is null)
                .GroupBy(r => r.Id)
                .Select(g => (images.Images.Find(g.Key), (IReadOnlyList<ImageReference>)[.. g.Select(r => r.Reference)]))
                .Where(s => s.Item1 is not null)
                .Select(s => (s.Item1!, s.Item2))
                .ToList();
            if (tagged.Count > 0) return tagged;
        }
        image ??= images.Resolve(name);
        IReadOnlyList<ImageReference> tags = reference is { Tag: not null, Digest: null } ? [reference] : [];
        return [(image, tags)];
    }
}
