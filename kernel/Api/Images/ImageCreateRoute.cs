using Berth.Kernel.Images;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Import;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.Pull;
using Berth.Kernel.Images.Push;
using Berth.Kernel.Images.References;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Images;

/// <summary><c>POST /images/create</c> (import with fromSrc, pull with fromImage) and <c>POST /images/{name}/push</c>.</summary>
public static class ImageCreateRoute
{
    public static async Task CreateAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var fromSrc = query["fromSrc"].ToString();
        var fromImage = query["fromImage"].ToString();
        if (fromSrc.Length > 0) await ImportAsync(context, fromSrc).ConfigureAwait(false);
        else if (fromImage.Length > 0) await PullAsync(context, fromImage).ConfigureAwait(false);
        else throw BerthException.Invalid("either fromSrc or fromImage is required");
    }

    private static async Task ImportAsync(HttpContext context, string fromSrc)
    {
        if (fromSrc != "-")
            throw BerthException.NotImplemented($"importing from a URL ({fromSrc}) is not supported by Berth: pipe the tar in (docker import FILE or -)");
        var query = context.Request.Query;
        var repo = query["repo"].ToString();
        ImageReference? tag = repo.Length == 0 ? null : ImageService.ParseTagTarget(repo, query["tag"]);
        var changes = query["changes"].Where(c => c is not null).Select(c => c!).ToList();
        var importer = context.RequestServices.GetRequiredService<ImageImporter>();
        var image = await importer.ImportAsync(context.Request.Body, tag, query["message"], changes, context.RequestAborted).ConfigureAwait(false);
        var progress = new JsonMessageStream(context.Response, context.RequestServices.GetRequiredService<TimeProvider>());
        await progress.StatusAsync(image.Id).ConfigureAwait(false);
    }

    private static async Task PullAsync(HttpContext context, string fromImage)
    {
        var query = context.Request.Query;
        var reference = ImageReference.Parse(fromImage);
        var tag = query["tag"].ToString();
        if (tag.Length > 0)
            reference = tag.StartsWith("sha256:", StringComparison.Ordinal) ? reference.NameOnly().WithDigest(tag) : reference.WithTag(tag);
        reference = reference.WithDefaultTag();
        var credentials = RegistryCredentials.Decode(context.Request.Headers["X-Registry-Auth"]);
        var puller = context.RequestServices.GetRequiredService<ImagePuller>();
        var progress = new JsonMessageStream(context.Response, context.RequestServices.GetRequiredService<TimeProvider>());
        await RunStreamingAsync(progress, () => puller.PullAsync(reference, credentials, progress, context.RequestAborted)).ConfigureAwait(false);
    }

    public static async Task PushAsync(HttpContext context, string name)
    {
        var reference = ImageReference.Parse(name);
        var tag = context.Request.Query["tag"].ToString();
        if (tag.Length > 0) reference = reference.WithTag(tag);
        var credentials = RegistryCredentials.Decode(context.Request.Headers["X-Registry-Auth"]);
        var pusher = context.RequestServices.GetRequiredService<ImagePusher>();
        var progress = new JsonMessageStream(context.Response, context.RequestServices.GetRequiredService<TimeProvider>());
        await RunStreamingAsync(progress, () => pusher.PushAsync(reference, credentials, progress, context.RequestAborted)).ConfigureAwait(false);
    }

    /// <summary>Errors before the first progress line are plain HTTP errors; after it they go into the stream, as Moby does.</summary>
    public static async Task RunStreamingAsync(JsonMessageStream progress, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (BerthException ex) when (progress.Started)
        {
            await progress.ErrorAsync(ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (progress.Started && ex is IOException or HttpRequestException or InvalidDataException)
        {
            await progress.ErrorAsync(ex.Message).ConfigureAwait(false);
        }
    }
}
