using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary><c>/secrets</c> (API 1.25+) and <c>/configs</c> (API 1.30+): list, create (201 {"ID"}), inspect, update (<c>version</c>), delete (204).</summary>
public static class ClusterFileRoutes
{
    private static readonly Version TemplatingVersion = new(1, 37);

    /// <param name="kind">The plural the backend takes and the path uses: <c>secrets</c> or <c>configs</c>.</param>
    /// <param name="noun">The singular Moby's messages use.</param>
    public static void Map(IEndpointRouteBuilder routes, string kind, string noun, Version minimum)
    {
        routes.MapGet($"/{kind}", (HttpContext c) => ListAsync(c, kind, minimum));
        routes.MapPost($"/{kind}/create", (HttpContext c) => CreateAsync(c, kind, noun, minimum));
        routes.MapGet($"/{kind}/{{id}}", (HttpContext c) => GetAsync(c, kind, minimum));
        routes.MapPost($"/{kind}/{{id}}/update", (HttpContext c) => UpdateAsync(c, kind, noun, minimum));
        routes.MapDelete($"/{kind}/{{id}}", (HttpContext c) => RemoveAsync(c, kind, minimum));
    }

    public static async Task ListAsync(HttpContext context, string kind, Version minimum)
    {
        RequireVersion(context, minimum, $"/{kind}");
        var filters = ClusterFilters.ToJson(ClusterFilters.Read(context));
        var list = await Membership(context).Manager().ListAsync(kind, filters, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, list).ConfigureAwait(false);
    }

    public static async Task CreateAsync(HttpContext context, string kind, string noun, Version minimum)
    {
        RequireVersion(context, minimum, $"/{kind}/create");
        var spec = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        var version = ApiMiddleware.RequestedVersion(context);
        if (version < TemplatingVersion && spec.TryGetProperty("Templating", out var templating) && templating.ValueKind != global::System.Text.Json.JsonValueKind.Null)
            throw BerthException.Invalid($"{noun} templating is not supported on the specified API version: {version}");
        var answer = await Membership(context).Manager().CreateAsync(kind, spec, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, ClusterAnswers.Created(answer), 201).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context, string kind, Version minimum)
    {
        RequireVersion(context, minimum, $"/{kind}/{{id}}");
        var item = await Membership(context).Manager().GetAsync(kind, Id(context), context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, item).ConfigureAwait(false);
    }

    public static async Task UpdateAsync(HttpContext context, string kind, string noun, Version minimum)
    {
        RequireVersion(context, minimum, $"/{kind}/{{id}}/update");
        var spec = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        var version = ClusterQuery.Version(context, noun);
        await Membership(context).Manager().UpdateObjectAsync(kind, Id(context), version, spec, context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }

    public static async Task RemoveAsync(HttpContext context, string kind, Version minimum)
    {
        RequireVersion(context, minimum, $"/{kind}/{{id}}");
        await Membership(context).Manager().RemoveAsync(kind, Id(context), force: false, context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context);
    }
}
