using System.Text.Json.Nodes;
using Berth.Kernel.Containers;
using Berth.Kernel.Containers.Archive;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Containers;

/// <summary><c>docker commit</c> (POST /commit), <c>docker diff</c> (GET /containers/{id}/changes) and <c>docker update</c>.</summary>
public static class CommitRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/commit", CommitAsync);
        routes.MapGet("/containers/{id}/changes", ChangesAsync);
        routes.MapPost("/containers/{id}/update", UpdateAsync);
    }

    private static async Task CommitAsync(HttpContext context)
    {
        var query = context.Request.Query;
        JsonObject? config = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            config = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        var request = new ContainerCommitter.Request(
            query["container"].ToString(),
            query["repo"].ToString(),
            query["tag"].ToString(),
            query["comment"].ToString(),
            query["author"].ToString(),
            !query.ContainsKey("pause") || ApiMiddleware.QueryBool(context, "pause"),
            query["changes"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList(),
            config is { Count: > 0 } ? config : null);
        var image = await context.RequestServices.GetRequiredService<ContainerCommitter>().CommitAsync(request, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject { ["Id"] = image.Id }, 201).ConfigureAwait(false);
    }

    private static async Task ChangesAsync(HttpContext context, string id)
    {
        var container = ContainerRoutes.Service(context).Get(id);
        var changes = await context.RequestServices.GetRequiredService<ContainerChanges>().ListAsync(container, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, changes.Count == 0 ? null : new JsonArray([.. changes.Select(c => (JsonNode?)new JsonObject { ["Path"] = c.Path, ["Kind"] = c.Kind })])).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(HttpContext context, string id)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
        var warnings = await ContainerRoutes.Service(context).UpdateAsync(id, body, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject { ["Warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode?)w)]) }).ConfigureAwait(false);
    }
}
