using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// A client of the OCI distribution API (registry v2): manifests, blobs and uploads, with Docker's endpoint choice,
/// token authentication and error wording. One instance serves concurrent pulls and pushes.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private const int MaxRedirects = 10;
    private const int MaxErrorBody = 64 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient secure;
    private readonly HttpClient insecure;
    private readonly RegistryEndpoints endpoints;
    private readonly RegistryAuthenticator authenticator;

    /// <param name="handler">Replaces the network for tests; the caller keeps ownership of it.</param>
    public RegistryClient(RegistryOptions options, TimeProvider time, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (handler is null)
        {
            secure = NewClient(CreateHandler(verifyCertificates: true), disposeHandler: true);
            insecure = NewClient(CreateHandler(verifyCertificates: false), disposeHandler: true);
        }
        else
        {
            secure = insecure = NewClient(handler, disposeHandler: false);
        }
        endpoints = new RegistryEndpoints(options, secure, insecure);
        authenticator = new RegistryAuthenticator(time, new TokenFetcher(time, endpoints.ClientFor));
    }

    public void Dispose()
    {
        secure.Dispose();
        if (!ReferenceEquals(secure, insecure)) insecure.Dispose();
    }

    /// <summary>Sends a request: anonymously or with what was learned before, and once more with credentials after a 401.</summary>
    internal async Task<HttpResponseMessage> SendAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        var host = RegistryEndpoints.HostOf(request.Repository);
        var baseUri = await endpoints.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var uri = new Uri(baseUri, request.Target);
        var scopes = request.Scopes;
        var authorization = await authenticator.AuthorizeAsync(host, scopes, request.Credentials, fresh: false, cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(request, uri, authorization, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !authenticator.Learn(host, Challenges(response))) return response;

        var retry = await authenticator.AuthorizeAsync(host, scopes, request.Credentials, fresh: true, cancellationToken).ConfigureAwait(false);
        if (retry is null || retry.Equals(authorization)) return response;
        response.Dispose();
        return await SendOnceAsync(request, uri, retry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends and returns the answer when its status is one of <paramref name="expected"/>; throws Docker's error otherwise.</summary>
    internal async Task<HttpResponseMessage> SendExpectingAsync(RegistryRequest request, CancellationToken cancellationToken, params HttpStatusCode[] expected)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (expected.Contains(response.StatusCode)) return response;
        using (response)
            throw await FailureAsync(request, response, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<BerthException> FailureAsync(RegistryRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await HttpBodies.ReadAtMostAsync(response.Content, MaxErrorBody, cancellationToken).ConfigureAwait(false);
        var uri = response.RequestMessage?.RequestUri is { IsAbsoluteUri: true } sent
            ? sent
            : new Uri(new Uri($"https://{RegistryEndpoints.HostOf(request.Repository)}/"), request.Target);
        return RegistryErrors.Translate(request, uri, response.StatusCode, response.ReasonPhrase, body);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        RegistryRequest request, Uri uri, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        var followsRedirects = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        for (var hop = 0; ; hop++)
        {
            using var message = new HttpRequestMessage(request.Method, uri);
            foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
            message.Headers.Authorization = authorization;
            if (request.Content is not null) message.Content = await request.Content(cancellationToken).ConfigureAwait(false);

            HttpResponseMessage response;
            try
            {
                response = await endpoints.ClientFor(uri.Authority).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw TransportErrors.Translate(request.Method, uri, ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw TransportErrors.Translate(request.Method, uri, new TimeoutException("timed out", ex));
            }

            if (!followsRedirects || hop == MaxRedirects || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
                return response;
            var next = new Uri(uri, location);
            response.Dispose();
            // Blob storage behind a redirect (S3, a CDN) must not see the registry's credentials.
            if (!string.Equals(next.Authority, uri.Authority, StringComparison.OrdinalIgnoreCase) || next.Scheme != uri.Scheme) authorization = null;
            uri = next;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static List<AuthChallenge> Challenges(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)
            ? values.SelectMany(AuthChallenge.Parse).ToList()
            : [];

    private static HttpClient NewClient(HttpMessageHandler handler, bool disposeHandler)
    {
        var client = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("berth", typeof(RegistryClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        return client;
    }

    private static SocketsHttpHandler CreateHandler(bool verifyCertificates)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        // Moby talks to insecure registries over TLS without verification (InsecureSkipVerify) before trying plain HTTP.
        if (!verifyCertificates)
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        return handler;
    }
}
