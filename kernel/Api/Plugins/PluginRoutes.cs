using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Api.Images;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.References;
using Berth.Kernel.Plugins;
using Berth.Kernel.Plugins.Registry;
using Berth.Sdk.Hosting.Packages;
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

    private static async Task PrivilegesAsync(HttpContext context)
    {
        var remote = context.Request.Query["remote"].ToString();
        if (remote.Length == 0) throw BerthException.Invalid("remote is required");
        var manager = Manager(context);
        var local = manager.FindLocalPackage(remote);
        var privileges = local is not null
            ? PluginManager.Privileges(local)
            : await WithPulledPackageAsync(context, manager, remote, package => Task.FromResult(PluginManager.Privileges(package))).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, privileges.Select(p => new { p.Name, p.Description, p.Value })).ConfigureAwait(false);
    }

    /// <summary><c>docker plugin install</c>: pulls the package from its registry and installs it disabled (the CLI enables it next).</summary>
    private static async Task PullAsync(HttpContext context)
    {
        var remote = context.Request.Query["remote"].ToString();
        if (remote.Length == 0) throw BerthException.Invalid("remote is required");
        var alias = context.Request.Query["name"].ToString();
        var reference = ImageReference.Parse(remote).WithDefaultTag();
        var manager = Manager(context);
        var name = PluginNames.Normalize(alias.Length > 0 ? alias : remote);
        if (manager.List().Any(e => e.Plugin.Name == name)) throw BerthException.Conflict($"plugin \"{name}\" already exists");
        // The CLI enables the plugin by the name in this header once the stream ends.
        context.Response.Headers["Docker-Plugin-Name"] = name;
        var progress = new JsonMessageStream(context.Response, context.RequestServices.GetRequiredService<TimeProvider>());
        var staging = manager.NewStagingDirectory();
        try
        {
            await ImageCreateRoute.RunStreamingAsync(progress, async () =>
            {
                await Distribution(context).FetchAsync(reference, Credentials(context), staging, progress, context.RequestAborted).ConfigureAwait(false);
                await manager.InstallFromDirectoryAsync(name, staging, remote, context.RequestAborted).ConfigureAwait(false);
                await progress.StatusAsync($"Installed plugin {name}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary><c>docker plugin push</c>: uploads the active version's package under the plugin's name.</summary>
    private static async Task PushAsync(HttpContext context, PluginManager manager, string name)
    {
        var entry = manager.Get(name);
        var package = entry.Package ?? throw BerthException.Invalid($"plugin {entry.Plugin.Name} has no readable package to push");
        var progress = new JsonMessageStream(context.Response, context.RequestServices.GetRequiredService<TimeProvider>());
        var scratch = manager.NewStagingDirectory();
        try
        {
            await ImageCreateRoute.RunStreamingAsync(progress, () =>
                Distribution(context).PushAsync(package.Directory, ImageReference.Parse(entry.Plugin.Name), Credentials(context), scratch, progress, context.RequestAborted)).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Pulls <paramref name="remote"/> into a staging folder, hands the package to <paramref name="use"/>, removes the folder.</summary>
    private static async Task<T> WithPulledPackageAsync<T>(HttpContext context, PluginManager manager, string remote, Func<PluginPackage, Task<T>> use)
    {
        var staging = manager.NewStagingDirectory();
        try
        {
            await Distribution(context).FetchAsync(ImageReference.Parse(remote).WithDefaultTag(), Credentials(context), staging, JsonMessageStream.Discarding(), context.RequestAborted).ConfigureAwait(false);
            return await use(PluginPackage.Load(staging, PluginStore.SupportedMajors)).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static PluginDistribution Distribution(HttpContext context) => context.RequestServices.GetRequiredService<PluginDistribution>();

    private static RegistryCredentials? Credentials(HttpContext context) => RegistryCredentials.Decode(context.Request.Headers["X-Registry-Auth"]);

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
                await PushAsync(context, manager, name).ConfigureAwait(false);
                break;
        }
    }

    private static async Task UpgradeAsync(HttpContext context, PluginManager manager, string name)
    {
        var remote = context.Request.Query["remote"].ToString();
        if (remote.Length == 0) throw BerthException.Invalid("remote is required");
        var upgraded = await UpgradeFromLocalOrRegistryAsync(context, manager, name, remote).ConfigureAwait(false);
        // Docker answers a progress stream; the CLI prints it and then "Upgraded plugin …".
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var status = JsonSerializer.SerializeToUtf8Bytes(new { status = $"Upgraded {upgraded.Plugin.Name} to version {upgraded.Plugin.ActiveVersion} from {remote}" });
        await context.Response.Body.WriteAsync(status, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync("\r\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<PluginEntry> UpgradeFromLocalOrRegistryAsync(HttpContext context, PluginManager manager, string name, string remote)
    {
        if (manager.FindLocalPackage(remote, manager.Get(name)) is not null)
            return await manager.UpgradeAsync(name, remote, null, context.RequestAborted).ConfigureAwait(false);
        return await WithPulledPackageAsync(context, manager, remote, package => manager.UpgradeAsync(name, remote, package, context.RequestAborted)).ConfigureAwait(false);
    }

    private static async Task RemoveAsync(HttpContext context, string rest)
    {
        await Manager(context).RemoveAsync(rest, ApiMiddleware.QueryBool(context, "force"), context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }
}
