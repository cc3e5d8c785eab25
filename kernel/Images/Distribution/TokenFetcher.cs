using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Asks a registry's token server (the realm of a <c>Bearer</c> challenge) for a token: GET with Basic credentials,
/// or an OAuth2 refresh-token POST when the client logged in with an identity token.
/// </summary>
internal sealed class TokenFetcher(TimeProvider time, Func<string, HttpClient> clientFor)
{
    private const string ClientId = "berth";

    public async Task<BearerToken> FetchAsync(AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var realm = challenge.Parameter("realm");
        if (realm is null || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
            throw new BerthException($"invalid bearer challenge: realm \"{realm}\" is not an http(s) URL");
        var service = challenge.Parameter("service");

        using var request = credentials?.IdentityToken is { } refreshToken
            ? RefreshRequest(realmUri, service, scopes, refreshToken)
            : GetRequest(realmUri, service, scopes, credentials);
        var requestUri = request.RequestUri!;
        try
        {
            using var response = await clientFor(requestUri.Authority).SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw Refused(request.Method, requestUri, response.StatusCode, body);
            return BearerToken.Parse(body, time.GetUtcNow());
        }
        catch (HttpRequestException ex)
        {
            throw TransportErrors.Translate(request.Method, requestUri, ex);
        }
        catch (FormatException ex)
        {
            throw new BerthException($"{TransportErrors.GoMethod(request.Method)} \"{requestUri.AbsoluteUri}\": {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TransportErrors.Translate(request.Method, requestUri, new TimeoutException("timed out", ex));
        }
    }

    private static HttpRequestMessage GetRequest(Uri realm, string? service, IReadOnlyList<string> scopes, RegistryCredentials? credentials)
    {
        var query = new List<string>();
        if (service is not null) query.Add("service=" + Uri.EscapeDataString(service));
        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        if (credentials?.Username is { } user) query.Add("account=" + Uri.EscapeDataString(user));
        var builder = new UriBuilder(realm);
        var existing = builder.Query.TrimStart('?');
        builder.Query = string.Join('&', existing.Length > 0 ? query.Prepend(existing) : query);
        var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credentials is { HasBasic: true })
            request.Headers.Authorization = BasicAuthorization(credentials);
        return request;
    }

    private static HttpRequestMessage RefreshRequest(Uri realm, string? service, IReadOnlyList<string> scopes, string refreshToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", ClientId),
            new("scope", string.Join(' ', scopes)),
        };
        if (service is not null) form.Add(new("service", service));
        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    internal static AuthenticationHeaderValue BasicAuthorization(RegistryCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));

    private static BerthException Refused(HttpMethod method, Uri uri, HttpStatusCode status, byte[] body)
    {
        var detail = RegistryErrors.FirstError(body)?.Text ?? Details(body) ?? $"{(int)status} {status}";
        var kind = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? BerthErrorKind.Unauthorized : BerthErrorKind.System;
        var prefix = kind == BerthErrorKind.Unauthorized && !detail.StartsWith("unauthorized", StringComparison.Ordinal) ? "unauthorized: " : "";
        return new BerthException(kind, $"{TransportErrors.GoMethod(method)} \"{uri.GetLeftPart(UriPartial.Path)}\": {prefix}{detail}");
    }

    /// <summary>Docker Hub's token server answers <c>{"details":"incorrect username or password"}</c>.</summary>
    private static string? Details(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String
                ? d.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
