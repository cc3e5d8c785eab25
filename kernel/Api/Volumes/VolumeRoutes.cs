using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Plugins;
using Berth.Kernel.Volumes;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Berth.Kernel.Api.Volumes;

/// <summary>The Engine API's <c>/volumes</c> endpoints over <see cref="VolumeService"/>; cluster (swarm CSI) volumes answer 501.</summary>
public static class VolumeRoutes
{
    private static readonly Version ClusterVolumesVersion = new(1, 42);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/volumes", ListAsync);
        routes.MapPost("/volumes/create", CreateAsync);
        routes.MapPost("/volumes/prune", PruneAsync);
        routes.MapGet("/volumes/{name}", GetAsync);
        routes.MapPut("/volumes/{name}", (HttpContext _) =>
            throw BerthException.NotImplemented("volume update only valid for cluster volumes, and Berth does not support cluster volumes"));
        routes.MapDelete("/volumes/{name}", RemoveAsync);
    }

    /// <summary>Adds the volume service and, unless the containers subsystem registered its own, an <see cref="IVolumeUsage"/> that sees no containers.</summary>
    public static void Register(IServiceCollection services, VolumeService volumes)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(volumes);
        services.TryAddSingleton<IVolumeUsage>(NoVolumeUsers.Instance);
        services.AddSingleton(sp =>
        {
            volumes.UseUsage(sp.GetRequiredService<IVolumeUsage>); // resolved per question: no cycle with a usage that needs volumes
            if (sp.GetService<PluginManager>() is { } plugins) volumes.UseDriverPlugins(name => plugins.LocateV1Plugin(name)?.FoundAt);
            return volumes;
        });
    }

    private static VolumeService Volumes(HttpContext c) => c.RequestServices.GetRequiredService<VolumeService>();

    private static Task ListAsync(HttpContext context)
    {
        var list = Volumes(context).List(FilterArgs.Parse(context.Request.Query["filters"]));
        return ApiJson.WriteAsync(context, new JsonObject
        {
            ["Volumes"] = new JsonArray([.. list.Select(v => (JsonNode?)VolumeViews.Volume(v))]),
            ["Warnings"] = new JsonArray(),
        });
    }

    private static Task GetAsync(HttpContext context) =>
        ApiJson.WriteAsync(context, VolumeViews.Volume(Volumes(context).Get(Name(context))));

    private static async Task CreateAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body.ClusterVolumeSpec is { ValueKind: not JsonValueKind.Null } && ApiMiddleware.RequestedVersion(context) >= ClusterVolumesVersion)
            throw BerthException.NotImplemented("cluster volumes (ClusterVolumeSpec) are not supported by Berth: they need swarm's CSI volume support");
        var volume = await Volumes(context).CreateAsync(body.Name, body.Driver, body.DriverOpts, body.Labels, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, VolumeViews.Volume(volume), 201).ConfigureAwait(false);
    }

    private static async Task RemoveAsync(HttpContext context)
    {
        await Volumes(context).RemoveAsync(Name(context), ApiMiddleware.QueryBool(context, "force"), context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context);
    }

    private static async Task PruneAsync(HttpContext context)
    {
        // Before API 1.42 prune removed named volumes too (moby adds all=true for those clients).
        var allVolumes = ApiMiddleware.RequestedVersion(context) < ClusterVolumesVersion;
        var filters = VolumeFilters.ForPrune(FilterArgs.Parse(context.Request.Query["filters"]), allVolumes);
        var report = await Volumes(context).PruneAsync(filters, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject
        {
            ["VolumesDeleted"] = new JsonArray([.. report.VolumesDeleted.Select(n => (JsonNode?)n)]),
            ["SpaceReclaimed"] = report.SpaceReclaimed,
        }).ConfigureAwait(false);
    }

    private static string Name(HttpContext context) => context.Request.RouteValues["name"] as string ?? "";

    /// <summary>moby's ReadJSON: an empty body is an empty request; field names match case-insensitively, as Go's decoder does.</summary>
    private static async Task<CreateBody> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) return new CreateBody();
        try
        {
            return JsonSerializer.Deserialize<CreateBody>(buffer.ToArray(), BodyOptions) ?? new CreateBody();
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid JSON: {ex.Message}");
        }
    }

    private static readonly JsonSerializerOptions BodyOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record CreateBody(
        string? Name = null,
        string? Driver = null,
        Dictionary<string, string>? DriverOpts = null,
        Dictionary<string, string>? Labels = null,
        JsonElement? ClusterVolumeSpec = null);
}
