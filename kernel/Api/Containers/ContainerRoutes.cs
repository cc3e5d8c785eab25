using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Kernel.Config;
using Berth.Kernel.Containers;
using Berth.Kernel.Containers.Exec;
using Berth.Kernel.Images;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Containers;

/// <summary>The Engine API's <c>/containers</c> lifecycle endpoints.</summary>
public static class ContainerRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/containers/json", ListAsync);
        routes.MapPost("/containers/create", CreateAsync);
        routes.MapPost("/containers/prune", PruneAsync);
        routes.MapGet("/containers/{id}/json", InspectAsync);
        routes.MapPost("/containers/{id}/start", StartAsync);
        routes.MapPost("/containers/{id}/stop", StopAsync);
        routes.MapPost("/containers/{id}/restart", RestartAsync);
        routes.MapPost("/containers/{id}/kill", KillAsync);
        routes.MapPost("/containers/{id}/pause", (HttpContext c, string id) => NoContentAsync(c, Service(c).PauseAsync(id, c.RequestAborted)));
        routes.MapPost("/containers/{id}/unpause", (HttpContext c, string id) => NoContentAsync(c, Service(c).UnpauseAsync(id, c.RequestAborted)));
        routes.MapPost("/containers/{id}/rename", (HttpContext c, string id) => NoContentAsync(c, Service(c).RenameAsync(id, c.Request.Query["name"].ToString(), c.RequestAborted)));
        routes.MapPost("/containers/{id}/wait", WaitAsync);
        routes.MapPost("/containers/{id}/attach", AttachRoute.AttachAsync);
        routes.MapPost("/containers/{id}/resize", ResizeAsync);
        routes.MapGet("/containers/{id}/logs", LogsRoute.LogsAsync);
        routes.MapDelete("/containers/{id}", RemoveAsync);
    }

    internal static ContainerService Service(HttpContext context) => context.RequestServices.GetRequiredService<ContainerService>();

    private static async Task NoContentAsync(HttpContext context, Task action)
    {
        await action.ConfigureAwait(false);
        ApiJson.NoContent(context);
    }

    private static Task ListAsync(HttpContext context)
    {
        var service = Service(context);
        var all = ApiMiddleware.QueryBool(context, "all");
        var limit = int.TryParse(context.Request.Query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : -1;
        var filters = ContainerFilters.Parse(context.Request.Query["filters"], service.Store, context.RequestServices.GetRequiredService<ImageService>());
        IEnumerable<Container> list = service.Store.All
            .Where(c => all || limit > 0 || filters.HasStatusOrExited || c.State.Running || c.State.Restarting)
            .Where(filters.Matches)
            .OrderByDescending(c => c.Created);
        if (limit > 0) list = list.Take(limit);
        return ApiJson.WriteAsync(context, new JsonArray([.. list.Select(c => (JsonNode?)ContainerViews.Summary(c))]));
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject
                   ?? throw BerthException.Invalid("Config cannot be empty in order to create a container");
        var platform = context.Request.Query["platform"].ToString();
        if (platform.Length > 0 && !platform.StartsWith("linux", StringComparison.Ordinal))
            throw BerthException.Invalid($"\"{platform}\": operating system is not supported");
        var (container, warnings) = await Service(context).CreateAsync(context.Request.Query["name"], body, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject
        {
            ["Id"] = container.Id,
            ["Warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode?)w)]),
        }, 201).ConfigureAwait(false);
    }

    private static Task InspectAsync(HttpContext context, string id)
    {
        var service = Service(context);
        var container = service.Get(id);
        var execs = context.RequestServices.GetRequiredService<ExecService>().IdsOf(container.Id);
        var dataRoot = context.RequestServices.GetRequiredService<DaemonConfigHolder>().Current.DataRoot;
        return ApiJson.WriteAsync(context, ContainerViews.Inspect(container, dataRoot, execs));
    }

    private static async Task StartAsync(HttpContext context, string id)
    {
        var started = await Service(context).StartAsync(id, context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context, started ? 204 : 304);
    }

    private static async Task StopAsync(HttpContext context, string id)
    {
        var stopped = await Service(context).StopAsync(id, Timeout(context), Signal(context), context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context, stopped ? 204 : 304);
    }

    private static async Task RestartAsync(HttpContext context, string id)
    {
        await Service(context).RestartAsync(id, Timeout(context), Signal(context), context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context);
    }

    private static async Task KillAsync(HttpContext context, string id)
    {
        await Service(context).KillAsync(id, Signal(context), context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context);
    }

    /// <summary>The status line and headers go out at once (docker run waits for them before it starts the container).</summary>
    private static async Task WaitAsync(HttpContext context, string id)
    {
        var wait = Service(context).WaitAsync(id, context.Request.Query["condition"]);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        ExitResult result;
        try
        {
            result = await wait.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // docker run -d lets go of its wait
        }
        var body = new JsonObject { ["StatusCode"] = result.ExitCode };
        if (result.Error is not null) body["Error"] = new JsonObject { ["Message"] = result.Error };
        await context.Response.WriteAsync(body.ToJsonString() + "\n", context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ResizeAsync(HttpContext context, string id)
    {
        var container = Service(context).Get(id);
        if (!container.State.Running) throw BerthException.Conflict($"Container {container.Id} is not running");
        var (height, width) = Size(context);
        await Runtime.Monitor.ConsoleControl.ResizeAsync(Service(context).Runtime.PathsOf(container.Id).Ctl, height, width, context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context, 200);
    }

    private static async Task RemoveAsync(HttpContext context, string id)
    {
        if (ApiMiddleware.QueryBool(context, "link"))
            throw BerthException.NotImplemented("removing a legacy link (docker rm --link) is not supported by Berth");
        await Service(context).RemoveAsync(id, ApiMiddleware.QueryBool(context, "force"), ApiMiddleware.QueryBool(context, "v"), context.RequestAborted).ConfigureAwait(false);
        context.RequestServices.GetRequiredService<ExecService>().Forget(id);
        ApiJson.NoContent(context);
    }

    private static async Task PruneAsync(HttpContext context)
    {
        var service = Service(context);
        var filters = FilterArgs.Parse(context.Request.Query["filters"]);
        var until = filters.TryGetValue("until", out var u) && u.Count > 0 ? Timestamps.Parse(u[0], "until") : null;
        var labels = filters.TryGetValue("label", out var l) ? l : [];
        var deleted = new JsonArray();
        foreach (var container in service.Store.All.Where(c => !c.State.Running && !c.State.Restarting))
        {
            if (until is { } limit && container.Created >= limit) continue;
            if (!labels.All(label => container.Labels.TryGetValue(label.Split('=')[0], out var v) && (!label.Contains('=', StringComparison.Ordinal) || v == label[(label.IndexOf('=', StringComparison.Ordinal) + 1)..]))) continue;
            await service.RemoveAsync(container.Id, force: false, removeVolumes: false, context.RequestAborted).ConfigureAwait(false);
            deleted.Add(container.Id);
        }
        await ApiJson.WriteAsync(context, new JsonObject { ["ContainersDeleted"] = deleted.Count == 0 ? null : deleted, ["SpaceReclaimed"] = 0 }).ConfigureAwait(false);
    }

    internal static (int Height, int Width) Size(HttpContext context)
    {
        var query = context.Request.Query;
        if (!int.TryParse(query["h"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var height) ||
            !int.TryParse(query["w"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var width))
            throw BerthException.Invalid("h and w must be integers");
        return (height, width);
    }

    private static int? Timeout(HttpContext context) =>
        int.TryParse(context.Request.Query["t"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : null;

    private static string? Signal(HttpContext context)
    {
        var signal = context.Request.Query["signal"].ToString();
        return signal.Length == 0 ? null : signal;
    }
}
