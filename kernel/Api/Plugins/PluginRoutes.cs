using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Plugins;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Plugins;

/// <summary>The Engine API's <c>/plugins</c> endpoints, so the stock <c>docker plugin</c> commands drive the registry.</summary>
public static class PluginRoutes
{
    private static readonly string[] Verbs = ["json", "enable", "disable", "upgrade", "set", "push"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/plugins", ListAsync);
        routes.MapGet("/plugins/privileges", PrivilegesAsync);
        routes.MapPost("/plugins/pull", PullAsync);
        routes.MapPost("/plugins/create", CreateAsync);
        routes.MapGet("/plugins/{**rest}", DispatchAsync);
        routes.MapPost("/plugins/{**rest}", DispatchAsync);
        routes.MapDelete("/plugins/{**rest}", RemoveAsync);
    }

    private static PluginManager Manager(HttpContext c) => c.RequestServices.GetRequiredService<PluginManager>();

    private static Task ListAsync(HttpContext context)
    {
        var filters = FilterArgs.Parse(context.Request.Query["filters"]);
        foreach (var key in filters.Keys)
            if (key is not ("capability" or "enabled")) throw BerthException.Invalid($"invalid filter '{key}'");
        var entries = Manager(context).List().Where(e =>
            (!filters.TryGetValue("enabled", out var enabled) || enabled.Contains(e.Plugin.Enabled ? "true" : "false"))
            && (!filters.TryGetValue("capability", out var caps) || caps.Any(cap => e.Package?.Protocols.Any(p => p.Kind == cap || p.Kind.Replace("driver", "", StringComparison.Ordinal) == cap) ?? false)));
        return ApiJson.WriteAsync(context, new JsonArray(entries.Select(e => (JsonNode?)PluginView.ToJson(e)).ToArray()));
    }

    private static Task PrivilegesAsync(HttpContext context)
    {
        var remote = context.Request.Query["remote"].ToString();
        if (remote.Length == 0) throw BerthException.Invalid("remote is required");
        var package = Manager(context).ResolveRemote(remote);
        var privileges = PluginManager.Privileges(package).Select(p => new { p.Name, p.Description, p.Value });
        return ApiJson.WriteAsync(context, privileges);
    }

    private static Task PullAsync(HttpContext context)
    {
        var remote = context.Request.Query["remote"].ToString();
        throw BerthException.NotImplemented(
            $"installing plugin \"{remote}\" from a registry is not supported yet: use `docker plugin create NAME DIR` with a Berth plugin package");
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var name = context.Request.Query["name"].ToString();
        if (name.Length == 0) throw BerthException.Invalid("name is required");
        await Manager(context).CreateAsync(name, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context);
    }

    private static async Task DispatchAsync(HttpContext context, string rest)
    {
        var slash = rest.LastIndexOf('/');
        var verb = slash < 0 ? "" : rest[(slash + 1)..];
        if (slash <= 0 || !Verbs.Contains(verb))
        {
            await ApiJson.WriteErrorAsync(context, 404, "page not found").ConfigureAwait(false);
            return;
        }
        var name = rest[..slash];
        var isGet = HttpMethods.IsGet(context.Request.Method);
        if (isGet != (verb == "json"))
        {
            await ApiJson.WriteErrorAsync(context, 404, "page not found").ConfigureAwait(false);
            return;
        }
        var manager = Manager(context);
        var ct = context.RequestAborted;
        switch (verb)
        {
            case "json":
                await ApiJson.WriteAsync(context, PluginView.ToJson(manager.Get(name))).ConfigureAwait(false);
                break;
            case "enable":
                await manager.EnableAsync(name, ct).ConfigureAwait(false);
                context.Response.StatusCode = 200;
                break;
            case "disable":
                await manager.DisableAsync(name, ApiMiddleware.QueryBool(context, "force"), ct).ConfigureAwait(false);
                context.Response.StatusCode = 200;
                break;
            case "set":
                var settings = await JsonSerializer.DeserializeAsync<List<string>>(context.Request.Body, cancellationToken: ct).ConfigureAwait(false) ?? [];
                await manager.SetAsync(name, settings, ct).ConfigureAwait(false);
                ApiJson.NoContent(context);
                break;
            case "upgrade":
                await UpgradeAsync(context, manager, name).ConfigureAwait(false);
                break;
            default:
                throw BerthException.NotImplemented("pushing plugins to a registry is not supported yet");
        }
    }

    private static async Task UpgradeAsync(HttpContext context, PluginManager manager, string name)
    {
        var remote = context.Request.Query["remote"].ToString();
        if (remote.Length == 0) throw BerthException.Invalid("remote is required");
        var upgraded = await manager.UpgradeAsync(name, remote, context.RequestAborted).ConfigureAwait(false);
        // Docker answers a progress stream; the CLI prints it and then "Upgraded plugin …".
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var status = JsonSerializer.SerializeToUtf8Bytes(new { status = $"Upgraded {upgraded.Plugin.Name} to version {upgraded.Plugin.ActiveVersion} from {remote}" });
        await context.Response.Body.WriteAsync(status, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync("\r\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RemoveAsync(HttpContext context, string rest)
    {
        await Manager(context).RemoveAsync(rest, ApiMiddleware.QueryBool(context, "force"), context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }
}
