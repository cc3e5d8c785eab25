using Berth.Kernel.Images.Content;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

public sealed partial class RegistryClient
{
    private const string OctetStream = "application/octet-stream";

    /// <summary>Whether the repository already holds the blob (HEAD), so a push can skip it.</summary>
    public async Task<bool> BlobExistsAsync(ImageReference repository, string digest, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        DigestFormat.Validate(digest);
        var request = new RegistryRequest(HttpMethod.Head, repository, $"/v2/{repository.Path}/blobs/{digest}", RegistrySubject.Blob, Push: true, credentials);
        using var response = await SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Asks the registry to link a blob from another repository of the same registry. False when it would not (it then
    /// opened an upload, which is cancelled) or when <paramref name="from"/> is on another registry.
    /// </summary>
    public async Task<bool> TryMountBlobAsync(ImageReference repository, string digest, ImageReference from, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(from);
        DigestFormat.Validate(digest);
        if (!string.Equals(from.Domain, repository.Domain, StringComparison.OrdinalIgnoreCase)) return false;
        var request = new RegistryRequest(HttpMethod.Post, repository,
            $"/v2/{repository.Path}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(from.Path)}",
            RegistrySubject.Upload, Push: true, credentials)
        {
            AlsoPullFrom = from.Path == repository.Path ? [] : [from.Path],
        };
        using var response = await SendExpectingAsync(request, cancellationToken, HttpStatusCode.Created, HttpStatusCode.Accepted).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.Headers.Location is { } location) await CancelUploadAsync(repository, location, credentials, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Uploads a blob: POST to open an upload, PATCH with the content streamed from <paramref name="open"/> (called again
    /// if authentication has to be redone), PUT with the digest to commit it.
    /// </summary>
    /// <param name="progress">Bytes sent so far.</param>
    public async Task UploadBlobAsync(
        ImageReference repository, string digest, Func<CancellationToken, Task<Stream>> open, long size, IProgress<long>? progress,
        RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(open);
        DigestFormat.Validate(digest);
        var start = new RegistryRequest(HttpMethod.Post, repository, $"/v2/{repository.Path}/blobs/uploads/", RegistrySubject.Upload, Push: true, credentials);
        string location;
        using (var opened = await SendExpectingAsync(start, cancellationToken, HttpStatusCode.Accepted).ConfigureAwait(false))
            location = UploadLocation(opened, start);

        var patch = new RegistryRequest(HttpMethod.Patch, repository, location, RegistrySubject.Upload, Push: true, credentials)
        {
            Content = async ct =>
            {
                var content = new StreamContent(new ProgressStream(await open(ct).ConfigureAwait(false), progress), CopyBufferSize);
                content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                content.Headers.ContentLength = size;
                return content;
            },
        };
        using (var patched = await SendExpectingAsync(patch, cancellationToken, HttpStatusCode.Accepted, HttpStatusCode.NoContent).ConfigureAwait(false))
            location = patched.Headers.Location is null ? location : UploadLocation(patched, patch);

        var separator = location.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var commit = new RegistryRequest(HttpMethod.Put, repository, $"{location}{separator}digest={Uri.EscapeDataString(digest)}", RegistrySubject.Upload, Push: true, credentials)
        {
            Content = _ => Task.FromResult<HttpContent>(new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue(OctetStream) } }),
        };
        using var committed = await SendExpectingAsync(commit, cancellationToken, HttpStatusCode.Created, HttpStatusCode.NoContent).ConfigureAwait(false);
    }

    /// <summary>Stores a manifest under a tag or its digest; returns its digest.</summary>
    /// <exception cref="BerthException">Pushed by digest with bytes of another digest (invalid parameter), or the registry's error.</exception>
    public async Task<string> PutManifestAsync(
        ImageReference repository, string tagOrDigest, string mediaType, byte[] bytes, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(tagOrDigest);
        ArgumentNullException.ThrowIfNull(mediaType);
        ArgumentNullException.ThrowIfNull(bytes);
        var digest = Digests.Of(bytes);
        if (tagOrDigest.Contains(':', StringComparison.Ordinal))
        {
            DigestFormat.Validate(tagOrDigest);
            if (ContentDigest.Compute(tagOrDigest, bytes) != tagOrDigest)
                throw BerthException.Invalid($"manifest content does not match digest {tagOrDigest}");
        }
        else
        {
            _ = repository.WithTag(tagOrDigest);
        }
        var request = new RegistryRequest(HttpMethod.Put, repository, $"/v2/{repository.Path}/manifests/{tagOrDigest}", RegistrySubject.Manifest, Push: true, credentials)
        {
            Content = _ => Task.FromResult<HttpContent>(new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } }),
        };
        using var response = await SendExpectingAsync(request, cancellationToken, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Accepted).ConfigureAwait(false);
        return digest;
    }

    private async Task CancelUploadAsync(ImageReference repository, Uri location, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        try
        {
            var request = new RegistryRequest(HttpMethod.Delete, repository, location.OriginalString, RegistrySubject.Upload, Push: true, credentials);
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException)
        {
            // Best effort: the registry expires abandoned uploads on its own.
        }
    }

    private static string UploadLocation(HttpResponseMessage response, RegistryRequest request) =>
        response.Headers.Location?.OriginalString
        ?? throw new BerthException($"the registry answered {request.Method.Method} {request.Target} without a Location for the upload");
}
