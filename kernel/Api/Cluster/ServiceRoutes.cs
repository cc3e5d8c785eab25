using System.Text.Json;
using Berth.Kernel.Networks;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary><c>/services</c>: list (<c>status</c>), create (201), inspect (<c>insertDefaults</c>), update (<c>version</c>, <c>rollback</c>, <c>registryAuthFrom</c>), remove, logs.</summary>
public static class ServiceRoutes
{
    private static readonly Version StatusVersion = new(1, 41);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/services", ListAsync);
        routes.MapPost("/services/create", CreateAsync);
        routes.MapGet("/services/{id}", GetAsync);
        routes.MapPost("/services/{id}/update", UpdateAsync);
        routes.MapDelete("/services/{id}", RemoveAsync);
        routes.MapGet("/services/{id}/logs", SwarmLogsRoute.ServiceLogsAsync);
    }

    public static async Task ListAsync(HttpContext context)
    {
        var filters = ClusterFilters.Read(context);
        // Moby filters on the runtime itself (every service here runs containers) and counts tasks only on API 1.41+.
        if (filters.Remove("runtime", out var runtimes) && runtimes.Count > 0 && !runtimes.Contains("container"))
        {
            await ApiJson.WriteAsync(context, Array.Empty<object>()).ConfigureAwait(false);
            return;
        }
        var status = ApiMiddleware.RequestedVersion(context) >= StatusVersion && ClusterQuery.WrappedFlag(context, "status");
        var services = await Membership(context).Manager().ListAsync("services", ClusterFilters.ToJson(filters), context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, ClusterAnswers.WithoutServiceStatus(services, status)).ConfigureAwait(false);
    }

    /// <summary>The spec as stored, or with swarmkit's defaults filled in when <c>insertDefaults</c> asks for them.</summary>
    public static async Task GetAsync(HttpContext context)
    {
        var insertDefaults = ClusterQuery.WrappedFlag(context, "insertDefaults");
        var service = await Membership(context).Manager().GetAsync("services", Id(context), context.RequestAborted).ConfigureAwait(false);
        if (insertDefaults) service = ServiceDefaults.Insert(service);
        await ApiJson.WriteAsync(context, ClusterAnswers.WithoutServiceStatus(service, keepStatus: false)).ConfigureAwait(false);
    }

    public static async Task CreateAsync(HttpContext context)
    {
        var spec = await ReadSpecAsync(context).ConfigureAwait(false);
        var answer = await Membership(context).Manager().CreateAsync("services", spec, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, ClusterAnswers.ServiceCreated(answer), 201).ConfigureAwait(false);
    }

    public static async Task UpdateAsync(HttpContext context)
    {
        var spec = await ReadSpecAsync(context).ConfigureAwait(false);
        var version = ClusterQuery.Version(context, "service");
        var registryAuthFrom = context.Request.Query["registryAuthFrom"].ToString();
        if (registryAuthFrom.Length > 0 && registryAuthFrom is not ("spec" or "previous-spec"))
            throw BerthException.Invalid($"invalid registryAuthFrom '{registryAuthFrom}'");
        var request = ClusterAnswers.ServiceUpdateRequest(spec, context.Request.Query["rollback"].ToString());
        var answer = await Membership(context).Manager().UpdateObjectAsync("services", Id(context), version, request, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, ClusterAnswers.ServiceUpdated(answer)).ConfigureAwait(false);
    }

    private static async Task<JsonElement> ReadSpecAsync(HttpContext context)
    {
        var spec = ClusterAnswers.AdjustServiceSpec(await ClusterBody.ReadAsync(context).ConfigureAwait(false), ApiMiddleware.RequestedVersion(context));
        spec = ServiceRegistryAuth.Attach(spec, context.Request.Headers[ServiceRegistryAuth.Header].ToString());
        return ServiceNetworks.Resolve(spec, target => context.RequestServices.GetRequiredService<NetworkService>().Get(target).Name);
    }

    public static async Task RemoveAsync(HttpContext context)
    {
        await Membership(context).Manager().RemoveAsync("services", Id(context), force: false, context.RequestAborted).ConfigureAwait(false);
        Ok(context);
    }
}
