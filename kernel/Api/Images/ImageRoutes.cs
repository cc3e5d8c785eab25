using System.Text.Json.Nodes;
using Berth.Kernel.Images;
using Berth.Kernel.Images.Import;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Images;

/// <summary>The Engine API's <c>/images</c> endpoints (names may hold slashes, so per-image verbs are dispatched by suffix).</summary>
public static class ImageRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/images/json", ListAsync);
        routes.MapPost("/images/create", ImageCreateRoute.CreateAsync);
        routes.MapPost("/images/load", ImageArchiveRoutes.LoadAsync);
        routes.MapGet("/images/get", ImageArchiveRoutes.SaveManyAsync);
        routes.MapPost("/images/prune", PruneAsync);
        routes.MapGet("/images/search", (HttpContext _) =>
            throw BerthException.NotImplemented("searching a registry is not supported by Berth: it needs Docker Hub's search API"));
        routes.MapGet("/images/{**rest}", GetAsync);
        routes.MapPost("/images/{**rest}", PostAsync);
        routes.MapDelete("/images/{**rest}", DeleteAsync);
        routes.MapGet("/system/df", SystemDfAsync);
    }

    internal static ImageService Images(HttpContext c) => c.RequestServices.GetRequiredService<ImageService>();

    private static Task ListAsync(HttpContext context)
    {
        var images = Images(context);
        var query = context.Request.Query;
        var filters = ImageFilters.Parse(query["filters"], images);
        var api = ApiMiddleware.RequestedVersion(context);
        var list = images.Images.All
            .Where(i => filters.Matches(images, i))
            .OrderByDescending(i => i.Config.Created ?? DateTimeOffset.MinValue)
            .Select(i => (JsonNode?)ImageViews.Summary(images, i, api));
        return ApiJson.WriteAsync(context, new JsonArray([.. list]));
    }

    private static Task GetAsync(HttpContext context)
    {
        var (name, verb) = Split(context);
        var images = Images(context);
        switch (verb)
        {
            case "json":
                var driver = context.RequestServices.GetRequiredService<Config.DaemonConfigHolder>().Current.StorageDriver;
                return ApiJson.WriteAsync(context, ImageViews.Inspect(images, images.Resolve(name), driver, ApiMiddleware.RequestedVersion(context)));
            case "history":
                return ApiJson.WriteAsync(context, ImageViews.History(images, images.Resolve(name)));
            case "get":
                return ImageArchiveRoutes.SaveAsync(context, [name]);
            default:
                return ApiJson.WriteErrorAsync(context, 404, "page not found");
        }
    }

    private static async Task PostAsync(HttpContext context)
    {
        var (name, verb) = Split(context);
        var query = context.Request.Query;
        switch (verb)
        {
            case "tag":
                var repo = query["repo"].ToString();
                if (repo.Length == 0) throw BerthException.Invalid("repository name must have at least one component");
                await Images(context).TagAsync(name, repo, query["tag"], context.RequestAborted).ConfigureAwait(false);
                ApiJson.NoContent(context, 201);
                return;
            case "push":
                await ImageCreateRoute.PushAsync(context, name).ConfigureAwait(false);
                return;
            default:
                await ApiJson.WriteErrorAsync(context, 404, "page not found").ConfigureAwait(false);
                return;
        }
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        var name = (context.Request.RouteValues["rest"] as string ?? "").Trim('/');
        if (name.Length == 0) throw BerthException.Invalid("image name cannot be blank");
        var force = ApiMiddleware.QueryBool(context, "force");
        var items = await Images(context).DeleteAsync(name, force, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, items.Select(DeleteItem)).ConfigureAwait(false);
    }

    private static async Task PruneAsync(HttpContext context)
    {
        var images = Images(context);
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "dangling", "label", "label!", "until" };
        var filters = ImageFilters.Parse(context.Request.Query["filters"], images, allowed);
        var danglingOnly = filters.Dangling ?? true;
        var (items, reclaimed) = await images.PruneAsync(danglingOnly, i => filters.Matches(images, i, ignoreDangling: true), context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject
        {
            ["ImagesDeleted"] = items.Count == 0 ? null : new JsonArray([.. items.Select(i => (JsonNode?)DeleteItem(i))]),
            ["SpaceReclaimed"] = reclaimed,
        }).ConfigureAwait(false);
    }

    private static Task SystemDfAsync(HttpContext context)
    {
        var images = Images(context);
        var api = ApiMiddleware.RequestedVersion(context);
        var summaries = images.Images.All.Select(i =>
        {
            var summary = ImageViews.Summary(images, i, api);
            summary["Containers"] = images.Usage.ContainersUsing(i.Id).ContainerIds.Count;
            summary["SharedSize"] = SharedSize(images, i);
            return (JsonNode?)summary;
        });
        return ApiJson.WriteAsync(context, new JsonObject
        {
            ["LayersSize"] = images.Layers.All.Sum(l => l.Size),
            ["Images"] = new JsonArray([.. summaries]),
            ["Containers"] = new JsonArray(),
            ["Volumes"] = Volumes.VolumeViews.DiskUsage(context.RequestServices.GetRequiredService<Berth.Kernel.Volumes.VolumeService>()),
            ["BuildCache"] = new JsonArray(),
        });
    }

    /// <summary>Bytes of an image's layers that other images use too.</summary>
    private static long SharedSize(ImageService images, ImageEntry image)
    {
        var others = images.Images.All.Where(o => o.Id != image.Id).SelectMany(o => o.ChainIds).ToHashSet(StringComparer.Ordinal);
        return image.ChainIds.Where(others.Contains).Sum(c => images.Layers.Find(c)?.Size ?? 0);
    }

    private static JsonObject DeleteItem(ImageDeleteItem item) =>
        item.Untagged is not null ? new JsonObject { ["Untagged"] = item.Untagged } : new JsonObject { ["Deleted"] = item.Deleted };

    /// <summary>Splits <c>/images/NAME/VERB</c>, NAME possibly holding slashes (<c>127.0.0.1:5000/acc/busybox:1</c>).</summary>
    private static (string Name, string Verb) Split(HttpContext context)
    {
        var rest = context.Request.RouteValues["rest"] as string ?? "";
        var slash = rest.LastIndexOf('/');
        if (slash <= 0) return (rest, "");
        return (rest[..slash], rest[(slash + 1)..]);
    }
}
