using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Containers;
using Berth.Kernel.Networks;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Networks;

/// <summary>The Engine API's <c>/networks</c> endpoints over <see cref="NetworkService"/>.</summary>
public static class NetworkRoutes
{
    private static readonly JsonSerializerOptions BodyOptions = new() { PropertyNameCaseInsensitive = true };

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/networks", Ready(ListAsync));
        routes.MapPost("/networks/create", Ready(CreateAsync));
        routes.MapPost("/networks/prune", Ready(PruneAsync));
        routes.MapGet("/networks/{id}", Ready(GetAsync));
        routes.MapDelete("/networks/{id}", Ready(RemoveAsync));
        routes.MapPost("/networks/{id}/connect", Ready(ConnectAsync));
        routes.MapPost("/networks/{id}/disconnect", Ready(DisconnectAsync));
    }

    /// <summary>The handler, once the predefined networks exist (right after a daemon start they may not yet).</summary>
    private static RequestDelegate Ready(RequestDelegate handler) => async context =>
    {
        await Networks(context).WhenReadyAsync(context.RequestAborted).ConfigureAwait(false);
        await handler(context).ConfigureAwait(false);
    };

    private static NetworkService Networks(HttpContext c) => c.RequestServices.GetRequiredService<NetworkService>();

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";

    private static Task ListAsync(HttpContext context)
    {
        var networks = Networks(context);
        var selected = NetworkFilters.Build(FilterArgs.Parse(context.Request.Query["filters"]), n => InUse(networks, n));
        var list = networks.List().Where(selected).Select(n => (JsonNode?)NetworkViews.Network(n, []));
        return ApiJson.WriteAsync(context, new JsonArray([.. list]));
    }

    private static Task GetAsync(HttpContext context)
    {
        var networks = Networks(context);
        var network = networks.Get(Id(context));
        return ApiJson.WriteAsync(context, NetworkViews.Network(network, networks.EndpointsOf(network.Id)));
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Name)) throw BerthException.Invalid("network name cannot be empty");
        if (body.ConfigOnly || !string.IsNullOrEmpty(body.ConfigFrom?.Network))
            throw BerthException.NotImplemented("config-only networks (--config-only, --config-from) are not supported by Berth");
        if (body.Scope is { Length: > 0 } scope && scope != "local")
            throw BerthException.NotImplemented($"network scope \"{scope}\" is not supported by Berth: swarm-scoped networks need the cluster backend");
        var request = new NetworkCreateRequest
        {
            Name = body.Name,
            Driver = body.Driver,
            Internal = body.Internal,
            Attachable = body.Attachable,
            Ingress = body.Ingress,
            EnableIPv6 = body.EnableIPv6 ?? false,
            IpamDriver = body.IPAM?.Driver,
            IpamConfig = [.. (body.IPAM?.Config ?? []).Select(c => new IpamConfigRequest(c.Subnet, c.IPRange, c.Gateway))],
            IpamOptions = body.IPAM?.Options ?? new Dictionary<string, string>(),
            Options = body.Options ?? new Dictionary<string, string>(),
            Labels = body.Labels ?? new Dictionary<string, string>(),
        };
        var (network, warning) = await Networks(context).CreateAsync(request, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject { ["Id"] = network.Id, ["Warning"] = warning ?? "" }, 201).ConfigureAwait(false);
    }

    private static async Task RemoveAsync(HttpContext context)
    {
        await Networks(context).RemoveAsync(Id(context), context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context);
    }

    private static async Task PruneAsync(HttpContext context)
    {
        var networks = Networks(context);
        var selected = NetworkFilters.Build(FilterArgs.Parse(context.Request.Query["filters"]), n => InUse(networks, n));
        var removed = await networks.PruneAsync(selected, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new JsonObject { ["NetworksDeleted"] = new JsonArray([.. removed.Select(n => (JsonNode?)n)]) }).ConfigureAwait(false);
    }

    private static async Task ConnectAsync(HttpContext context)
    {
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var container = body["Container"]?.GetValue<string>();
        if (string.IsNullOrEmpty(container)) throw BerthException.Invalid("no container specified");
        await Containers(context).ConnectAsync(Id(context), container, body["EndpointConfig"] as JsonObject, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    private static async Task DisconnectAsync(HttpContext context)
    {
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var container = body["Container"]?.GetValue<string>();
        if (string.IsNullOrEmpty(container)) throw BerthException.Invalid("no container specified");
        await Containers(context).DisconnectAsync(Id(context), container, body["Force"]?.GetValue<bool>() ?? false, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    private static ContainerService Containers(HttpContext c) => c.RequestServices.GetRequiredService<ContainerService>();

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid JSON: {ex.Message}");
        }
    }

    /// <summary>Predefined networks count as used: they are never dangling.</summary>
    private static bool InUse(NetworkService networks, NetworkRecord network) => network.Predefined || networks.EndpointsOf(network.Id).Count > 0;

    private static async Task<CreateBody> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<CreateBody>(context.Request.Body, BodyOptions, context.RequestAborted).ConfigureAwait(false) ?? new CreateBody();
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid JSON: {ex.Message}");
        }
    }

    private sealed record CreateBody(
        string? Name = null,
        string? Driver = null,
        string? Scope = null,
        bool Internal = false,
        bool Attachable = false,
        bool Ingress = false,
        bool ConfigOnly = false,
        ConfigFromBody? ConfigFrom = null,
        IpamBody? IPAM = null,
        bool? EnableIPv6 = null,
        Dictionary<string, string>? Options = null,
        Dictionary<string, string>? Labels = null);

    private sealed record ConfigFromBody(string? Network = null);

    private sealed record IpamBody(string? Driver = null, List<IpamConfigBody>? Config = null, Dictionary<string, string>? Options = null);

    private sealed record IpamConfigBody(string? Subnet = null, string? IPRange = null, string? Gateway = null);
}
