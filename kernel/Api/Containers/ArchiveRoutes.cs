using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Kernel.Containers;
using Berth.Kernel.Containers.Archive;
using Berth.Sdk;
using Berth.Sdk.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Containers;

/// <summary><c>docker cp</c>: HEAD/GET/PUT /containers/{id}/archive, and <c>docker export</c>.</summary>
public static class ArchiveRoutes
{
    public const string StatHeader = "X-Docker-Container-Path-Stat";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/containers/{id}/archive", ["HEAD"], HeadAsync);
        routes.MapGet("/containers/{id}/archive", GetAsync);
        routes.MapPut("/containers/{id}/archive", PutAsync);
        routes.MapGet("/containers/{id}/export", ExportAsync);
    }

    private static async Task HeadAsync(HttpContext context, string id)
    {
        var (container, lease) = await OpenAsync(context, id, live: true).ConfigureAwait(false);
        using (lease)
        {
            var (path, _) = Locate(lease.Root, container, context.Request.Query["path"].ToString());
            context.Response.Headers[StatHeader] = StatOf(path, context.Request.Query["path"].ToString());
            context.Response.StatusCode = 200;
        }
    }

    private static async Task GetAsync(HttpContext context, string id)
    {
        var (container, lease) = await OpenAsync(context, id, live: true).ConfigureAwait(false);
        using (lease)
        {
            var requested = context.Request.Query["path"].ToString();
            var (path, name) = Locate(lease.Root, container, requested);
            context.Response.Headers[StatHeader] = StatOf(path, requested);
            context.Response.ContentType = "application/x-tar";
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await LayerTarWriter.WritePathAsync(path, name, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task PutAsync(HttpContext context, string id)
    {
        var (container, lease) = await OpenAsync(context, id, live: true).ConfigureAwait(false);
        using (lease)
        {
            if (container.HostConfig["ReadonlyRootfs"]?.GetValue<bool>() == true)
                throw BerthException.Invalid("container rootfs is marked read-only");
            var requested = context.Request.Query["path"].ToString();
            var (path, _) = Locate(lease.Root, container, requested);
            if (!Directory.Exists(path)) throw BerthException.Invalid("extraction point is not a directory");
            await LayerTarApplier.ApplyAsync(context.Request.Body, path, WhiteoutFormat.Delete, context.RequestAborted).ConfigureAwait(false);
            ApiJson.NoContent(context, 200);
        }
    }

    private static async Task ExportAsync(HttpContext context, string id)
    {
        var (container, lease) = await OpenAsync(context, id, live: false).ConfigureAwait(false);
        using (lease)
        {
            context.Response.ContentType = "application/x-tar";
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await LayerTarWriter.WriteAsync(lease.Root, WhiteoutFormat.Delete, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        ContainerRoutes.Service(context).Events.Publish(container, "export");
    }

    private static async Task<(Container Container, ContainerFilesystem.Lease Lease)> OpenAsync(HttpContext context, string id, bool live)
    {
        var container = ContainerRoutes.Service(context).Get(id);
        var filesystem = context.RequestServices.GetRequiredService<ContainerFilesystem>();
        return (container, await filesystem.OpenAsync(container, live, context.RequestAborted).ConfigureAwait(false));
    }

    /// <summary>The host path of <paramref name="requested"/> inside the container and the name its tar entry gets.</summary>
    private static (string Path, string Name) Locate(string root, Container container, string requested)
    {
        if (requested.Length == 0) throw BerthException.Invalid("path is required");
        var absolute = requested.StartsWith('/') ? requested : "/" + requested;
        var followLast = absolute.EndsWith('/') || absolute.EndsWith("/.", StringComparison.Ordinal);
        var path = ScopedPath.Resolve(root, absolute, followLast);
        if (!Posix.TryLStat(path, out _))
            throw BerthException.NotFound($"Could not find the file {requested} in container {container.Name.TrimStart('/')}");
        var name = Path.GetFileName(absolute.TrimEnd('/', '.'));
        return (path, name.Length == 0 ? "." : name);
    }

    /// <summary>The stat header the CLI reads: base64 JSON with Go's FileMode bits.</summary>
    private static string StatOf(string path, string requested)
    {
        var stat = Posix.LStat(path);
        var mode = stat.Mode & 0x1FF;
        if (stat.IsDirectory) mode |= 1u << 31;
        if (stat.IsSymbolicLink) mode |= 1u << 27;
        var body = new JsonObject
        {
            ["name"] = Path.GetFileName(requested.TrimEnd('/')) is { Length: > 0 } n ? n : "/",
            ["size"] = stat.Size,
            ["mode"] = mode,
            ["mtime"] = DateTimeOffset.FromUnixTimeSeconds(stat.MtimeSeconds).AddTicks(stat.MtimeNanos / 100).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            ["linkTarget"] = stat.IsSymbolicLink ? new FileInfo(path).LinkTarget ?? "" : "",
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }
}
