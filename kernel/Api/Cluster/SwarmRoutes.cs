using Berth.Sdk;
using Berth.Sdk.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary><c>/swarm</c>: inspect, init, join, leave, update, unlock, unlockkey.</summary>
public static class SwarmRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/swarm", InspectAsync);
        routes.MapPost("/swarm/init", InitAsync);
        routes.MapPost("/swarm/join", JoinAsync);
        routes.MapPost("/swarm/leave", LeaveAsync);
        routes.MapPost("/swarm/update", UpdateAsync);
        routes.MapPost("/swarm/unlock", UnlockAsync);
        routes.MapGet("/swarm/unlockkey", UnlockKeyAsync);
    }

    public static async Task InspectAsync(HttpContext context)
    {
        var swarm = await Membership(context).Manager().InspectAsync(context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, swarm).ConfigureAwait(false);
    }

    /// <summary>Answers the new node's id as a JSON string.</summary>
    public static async Task InitAsync(HttpContext context)
    {
        var request = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        var version = ApiMiddleware.RequestedVersion(context);
        // DefaultAddrPool and SubnetSize came with API 1.39, DataPathPort with 1.40: older clients' values are ignored.
        if (version < new Version(1, 39)) request = ClusterAnswers.Without(request, "DefaultAddrPool", "SubnetSize");
        if (version < new Version(1, 40)) request = ClusterAnswers.Without(request, "DataPathPort");
        var nodeId = await Membership(context).InitAsync(request, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, nodeId).ConfigureAwait(false);
    }

    public static async Task JoinAsync(HttpContext context)
    {
        var request = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        await Membership(context).JoinAsync(request, context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }

    public static async Task LeaveAsync(HttpContext context)
    {
        await Membership(context).LeaveAsync(ApiMiddleware.QueryBool(context, "force"), context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }

    public static async Task UpdateAsync(HttpContext context)
    {
        var spec = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        var version = ClusterQuery.Version(context, "swarm");
        var flags = new SwarmUpdateFlags(
            ClusterQuery.Flag(context, "rotateWorkerToken"),
            ClusterQuery.Flag(context, "rotateManagerToken"),
            ClusterQuery.Flag(context, "rotateManagerUnlockKey"));
        await Membership(context).Manager().UpdateAsync(version, spec, flags, context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }

    public static async Task UnlockAsync(HttpContext context)
    {
        var request = await ClusterBody.ReadAsync(context).ConfigureAwait(false);
        var key = request.TryGetProperty("UnlockKey", out var value) && value.ValueKind == global::System.Text.Json.JsonValueKind.String ? value.GetString()! : "";
        await Membership(context).Manager().UnlockAsync(key, context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }

    public static async Task UnlockKeyAsync(HttpContext context)
    {
        var key = await Membership(context).Manager().GetUnlockKeyAsync(context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new UnlockKeyAnswer(key)).ConfigureAwait(false);
    }

    private sealed record UnlockKeyAnswer(string UnlockKey);
}
