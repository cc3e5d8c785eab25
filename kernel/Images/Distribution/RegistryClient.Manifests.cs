using Berth.Kernel.Images.Content;
using System.Net;
using System.Net.Http;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

public sealed partial class RegistryClient
{
    /// <summary>The most a manifest may weigh (containerd's limit).</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private const string ContentDigestHeader = "Docker-Content-Digest";

    /// <summary>
    /// Fetches the manifest <paramref name="reference"/> names (its digest if it has one, else its tag, else
    /// <c>latest</c>); a manifest list or OCI index is resolved to its entry for <paramref name="want"/>.
    /// </summary>
    /// <exception cref="BerthException">Not found, unauthorized, unreachable, or a manifest Docker would refuse.</exception>
    public async Task<FetchedManifest> GetManifestAsync(ImageReference reference, RegistryCredentials? credentials, Platform want, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(want);
        var top = await FetchManifestAsync(reference, reference.ManifestReference, reference.Digest, credentials, cancellationToken).ConfigureAwait(false);
        if (MediaTypes.IsManifest(top.MediaType))
            return new FetchedManifest(top.Digest, top.MediaType, top.Bytes, ParseManifest(top.MediaType, top.Bytes));
        if (!MediaTypes.IsIndex(top.MediaType)) throw ManifestParser.Unsupported(top.MediaType);

        var index = ManifestParser.ParseIndex(top.MediaType, top.Bytes);
        var entry = PlatformMatcher.Select(index, want)
                    ?? throw BerthException.NotFound($"no matching manifest for {want} in the manifest list entries");
        var chosen = await FetchManifestAsync(reference, entry.Digest, entry.Digest, credentials, cancellationToken).ConfigureAwait(false);
        if (chosen.Bytes.Length != entry.Size)
            throw BerthException.Invalid($"manifest {entry.Digest} is {chosen.Bytes.Length} bytes, the manifest list says {entry.Size}");
        if (!MediaTypes.IsManifest(chosen.MediaType)) throw ManifestParser.Unsupported(chosen.MediaType);
        return new FetchedManifest(chosen.Digest, chosen.MediaType, chosen.Bytes, ParseManifest(chosen.MediaType, chosen.Bytes), top.Digest);
    }

    /// <inheritdoc cref="ManifestParser.ParseManifest"/>
    public static ImageManifest ParseManifest(string mediaType, byte[] bytes) => ManifestParser.ParseManifest(mediaType, bytes);

    /// <summary>Fetches manifest bytes and verifies them against the digest asked for (or the one the registry names).</summary>
    private async Task<RawManifest> FetchManifestAsync(
        ImageReference repository, string tagOrDigest, string? expectedDigest, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var request = new RegistryRequest(HttpMethod.Get, repository, $"/v2/{repository.Path}/manifests/{tagOrDigest}", RegistrySubject.Manifest, Push: false, credentials)
        {
            Headers = MediaTypes.ManifestAccept.Select(t => new KeyValuePair<string, string>("Accept", t)).ToArray(),
        };
        using var response = await SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
        var bytes = await HttpBodies.ReadAtMostAsync(response.Content, MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        if (bytes.Length > MaxManifestBytes)
            throw BerthException.Invalid($"manifest for {repository.FamiliarRepository}:{tagOrDigest} is larger than {MaxManifestBytes} bytes");

        var mediaType = ManifestParser.DetectMediaType(response.Content.Headers.ContentType?.ToString(), bytes);
        var header = response.Headers.TryGetValues(ContentDigestHeader, out var values) ? values.FirstOrDefault() : null;
        var expected = expectedDigest ?? (DigestFormat.IsValid(header) ? header : null);
        var digest = expected is null ? Digests.Of(bytes) : ContentDigest.Compute(expected, bytes);
        if (expected is not null && digest != expected)
            throw BerthException.Invalid($"manifest verification failed for digest {expected}");
        return new RawManifest(digest, mediaType, bytes);
    }

    private sealed record RawManifest(string Digest, string MediaType, byte[] Bytes);
}
