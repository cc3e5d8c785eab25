using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary><c>/tasks</c>: list, inspect, logs.</summary>
public static class TaskRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/tasks", ListAsync);
        routes.MapGet("/tasks/{id}", GetAsync);
        routes.MapGet("/tasks/{id}/logs", SwarmLogsRoute.TaskLogsAsync);
    }

    public static async Task ListAsync(HttpContext context)
    {
        var filters = ClusterFilters.ToJson(ClusterFilters.Read(context));
        var tasks = await Membership(context).Manager().ListAsync("tasks", filters, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, tasks).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context)
    {
        var task = await Membership(context).Manager().GetAsync("tasks", Id(context), context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, task).ConfigureAwait(false);
    }
}
