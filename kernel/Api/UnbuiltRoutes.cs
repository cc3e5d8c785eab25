using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Kernel.Api;

/// <summary>
/// Engine API areas Berth does not serve yet answer 501 with a sentence that says so, instead of a bare 404;
/// anything else unknown is moby's <c>page not found</c>.
/// </summary>
public static class UnbuiltRoutes
{
    private static readonly string[] Areas =
    [
        "containers", "images", "networks", "exec", "build", "commit", "auth", "system", "distribution",
        "session", "grpc",
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var area in Areas)
        {
            routes.Map($"/{area}", UnbuiltAsync);
            routes.Map($"/{area}/{{**rest}}", UnbuiltAsync);
        }
        routes.MapFallback(context => ApiJson.WriteErrorAsync(context, 404, "page not found"));
    }

    private static Task UnbuiltAsync(HttpContext context)
    {
        var area = (context.Request.Path.Value ?? "").Trim('/').Split('/')[0];
        return ApiJson.WriteErrorAsync(context, 501,
            $"{context.Request.Method} {context.Request.Path}: {area} are not supported by this version of Berth yet");
    }
}
