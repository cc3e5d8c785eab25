using System.Text;
using System.Text.Json;
using Berth.Kernel.Cluster;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Tests.Cluster.Api;

/// <summary>An HttpContext for calling a route handler directly, with the membership in its services.</summary>
internal static class RouteContext
{
    public static DefaultHttpContext Create(ClusterMembership membership, string query = "", string? body = null, string? id = null, Version? apiVersion = null)
    {
        var services = new ServiceCollection().AddSingleton(membership).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.QueryString = new QueryString(query.Length == 0 ? "" : "?" + query);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
        context.Response.Body = new MemoryStream();
        if (id is not null) context.Request.RouteValues["id"] = id;
        if (apiVersion is not null) context.Items["berth.api-version"] = apiVersion;
        return context;
    }

    public static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()).TrimEnd('\n');

    public static JsonElement Json(HttpContext context) => JsonDocument.Parse(Body(context)).RootElement;
}
