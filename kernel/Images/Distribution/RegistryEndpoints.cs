using System.Collections.Concurrent;
using System.Net.Http;
using Berth.Kernel.Images.References;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Where a registry is reached. Secure registries: HTTPS only. Insecure ones (loopback, <c>insecure-registries</c>):
/// HTTPS without certificate checks first, then plain HTTP when that cannot connect or handshake, as Moby does; the
/// scheme that answered is remembered per host.
/// </summary>
internal sealed class RegistryEndpoints(RegistryOptions options, HttpClient secure, HttpClient insecure)
{
    private const string DockerHubHost = "registry-1.docker.io";

    private readonly ConcurrentDictionary<string, Uri> bases = new(StringComparer.OrdinalIgnoreCase);

    public static string HostOf(ImageReference reference) =>
        reference.Domain == ImageReference.DefaultDomain ? DockerHubHost : reference.Domain;

    public bool IsInsecure(string host) => options.IsInsecure(host);

    public HttpClient ClientFor(string host) => options.IsInsecure(host) ? insecure : secure;

    /// <summary>The base URI (<c>scheme://host/</c>) to talk to <paramref name="host"/> with.</summary>
    public async Task<Uri> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (bases.TryGetValue(host, out var known)) return known;
        if (!options.IsInsecure(host)) return bases.GetOrAdd(host, new Uri($"https://{host}/"));

        var https = new Uri($"https://{host}/");
        if (await AnswersAsync(https, cancellationToken).ConfigureAwait(false) is null) return bases.GetOrAdd(host, https);
        var http = new Uri($"http://{host}/");
        var failure = await AnswersAsync(http, cancellationToken).ConfigureAwait(false);
        if (failure is not null) throw TransportErrors.Translate(HttpMethod.Get, new Uri(http, "/v2/"), failure);
        return bases.GetOrAdd(host, http);
    }

    /// <summary>Pings <c>/v2/</c>; any HTTP answer (401 included) means the scheme works. Returns the failure otherwise.</summary>
    private async Task<Exception?> AnswersAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/v2/"));
            using var response = await insecure.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException ex)
        {
            return ex;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new TimeoutException("connect timed out", ex);
        }
    }
}
