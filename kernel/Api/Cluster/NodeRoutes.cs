using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary><c>/nodes</c>: list, inspect, update (<c>version</c> required), remove (<c>force</c>).</summary>
public static class NodeRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/nodes", ListAsync);
        routes.MapGet("/nodes/{id}", GetAsync);
        routes.MapPost("/nodes/{id}/update", UpdateAsync);
        routes.MapDelete("/nodes/{id}", RemoveAsync);
    }

    public static async Task ListAsync(HttpContext context)
    {
        var filters = ClusterFilters.ToJson(ClusterFilters.Read(context));
        var nodes = await Membership(context).Manager().ListAsync("nodes", filters, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, nodes).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context)
    {
        var node = await Membership(context).Manager().GetAsync("nodes", Id(context), context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, node).ConfigureAwait(false);
    }

    public static async Task UpdateAsync(HttpContext context)
    {
        var spec = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        var version = ClusterQuery.Version(context, "node");
        await Membership(context).Manager().UpdateObjectAsync("nodes", Id(context), version, spec, context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }

    public static async Task RemoveAsync(HttpContext context)
    {
        await Membership(context).Manager().RemoveAsync("nodes", Id(context), ApiMiddleware.QueryBool(context, "force"), context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }
}
