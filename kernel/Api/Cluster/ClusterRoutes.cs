using Berth.Kernel.Cluster;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Cluster;

/// <summary>The Engine API's swarm-mode endpoints (Moby's daemon/server/router/swarm): /swarm, /nodes, /services, /tasks, /secrets, /configs.</summary>
public static class ClusterRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        SwarmRoutes.Map(routes);
        NodeRoutes.Map(routes);
        ServiceRoutes.Map(routes);
        TaskRoutes.Map(routes);
        ClusterFileRoutes.Map(routes, "secrets", "secret", new Version(1, 25));
        ClusterFileRoutes.Map(routes, "configs", "config", new Version(1, 30));
    }

    internal static ClusterMembership Membership(HttpContext context) => context.RequestServices.GetRequiredService<ClusterMembership>();

    internal static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";

    /// <summary>Moby's WithMinimumAPIVersion: an endpoint newer than the client's API version is a bad request.</summary>
    internal static void RequireVersion(HttpContext context, Version minimum, string route)
    {
        if (ApiMiddleware.RequestedVersion(context) < minimum)
            throw BerthException.Invalid($"{context.Request.Method} {route} requires minimum API version {minimum}");
    }

    /// <summary>Moby's handlers that return nothing: 200 with an empty body.</summary>
    internal static void Ok(HttpContext context) => ApiJson.NoContent(context, 200);
}
