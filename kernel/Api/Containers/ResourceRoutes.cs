using Berth.Kernel.Containers;
using Berth.Kernel.Stats;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Containers;

/// <summary><c>docker stats</c> (GET /containers/{id}/stats) and <c>docker top</c> (GET /containers/{id}/top), read from the container's cgroup.</summary>
public static class ResourceRoutes
{
    private static readonly Lazy<CgroupLayout> Layout = new(CgroupLayout.Detect);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/containers/{id}/stats", StatsAsync);
        routes.MapGet("/containers/{id}/top", TopAsync);
    }

    private static Task StatsAsync(HttpContext context, string id)
    {
        var service = ContainerRoutes.Service(context);
        var container = service.Get(id);
        var stream = !context.Request.Query.ContainsKey("stream") || ApiMiddleware.QueryBool(context, "stream");
        var oneShot = ApiMiddleware.QueryBool(context, "one-shot");
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        // A removed container ends the stream (NotFound), a stopped one keeps sending zeroed documents, as Docker does.
        return StatsEndpoint.WriteAsync(context, () => PathsOf(service.Get(container.Id)), container.Id, container.Name.TrimStart('/'), stream, oneShot, time, context.RequestAborted);
    }

    private static async Task TopAsync(HttpContext context, string id)
    {
        var container = ContainerRoutes.Service(context).Get(id);
        if (PathsOf(container) is not { } paths) throw BerthException.Conflict($"Container {container.Id} is not running");
        var (titles, processes) = await TopProcesses.ListAsync(paths.ReadPids(), context.Request.Query["ps_args"].ToString(), context.RequestAborted).ConfigureAwait(false);
        ContainerRoutes.Service(context).Events.Publish(container, "top");
        await ApiJson.WriteAsync(context, TopProcesses.ToJson(titles, processes)).ConfigureAwait(false);
    }

    private static CgroupPaths? PathsOf(Container container) =>
        container.State.Running ? Layout.Value.ForContainer(ContainerService.CgroupsPathOf(container)) : null;
}
