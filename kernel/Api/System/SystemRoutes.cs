using Berth.Kernel.Daemon;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.System;

/// <summary><c>/_ping</c>, <c>/version</c>, <c>/info</c>, <c>/events</c>.</summary>
public static class SystemRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/_ping", ["GET", "HEAD"], PingAsync);
        routes.MapGet("/version", (HttpContext c) => ApiJson.WriteAsync(c, c.RequestServices.GetRequiredService<SystemInfo>().Version()));
        routes.MapGet("/info", async (HttpContext c) =>
            await ApiJson.WriteAsync(c, await c.RequestServices.GetRequiredService<SystemInfo>().InfoAsync(c.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        routes.MapGet("/events", EventsEndpoint.StreamAsync);
    }

    private static async Task PingAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache, no-store, must-revalidate";
        headers.Pragma = "no-cache";
        headers["Builder-Version"] = "1";
        headers["Swarm"] = await context.RequestServices.GetRequiredService<SystemInfo>().SwarmHeaderAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = 0;
            return;
        }
        await context.Response.WriteAsync("OK", context.RequestAborted).ConfigureAwait(false);
    }
}
