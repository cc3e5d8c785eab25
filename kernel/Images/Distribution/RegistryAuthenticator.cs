using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Remembers each registry's challenge and hands out the Authorization for a request: a registry token given by the
/// client as is, Basic credentials, or a bearer token from the token server cached per (host, scopes, credentials)
/// until it expires. Safe for concurrent use; two racing requests may both fetch a token, which is harmless.
/// </summary>
internal sealed class RegistryAuthenticator(TimeProvider time, TokenFetcher tokens)
{
    private const int PruneAbove = 256;

    private readonly ConcurrentDictionary<string, AuthChallenge> challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, BearerToken> cache = new(StringComparer.Ordinal);

    /// <summary>Records the challenge of a 401 answer; Bearer is preferred over Basic. False when none was usable.</summary>
    public bool Learn(string host, IReadOnlyList<AuthChallenge> offered)
    {
        var chosen = offered.FirstOrDefault(c => c.IsBearer) ?? offered.FirstOrDefault(c => c.IsBasic);
        if (chosen is null) return false;
        challenges[host] = chosen;
        return true;
    }

    /// <summary>
    /// The Authorization to send, or null to go anonymously (nothing learned yet, or nothing to offer).
    /// <paramref name="fresh"/> skips the cached token: the registry just refused the one sent.
    /// </summary>
    public async ValueTask<AuthenticationHeaderValue?> AuthorizeAsync(
        string host, IReadOnlyList<string> scopes, RegistryCredentials? credentials, bool fresh, CancellationToken cancellationToken)
    {
        if (credentials?.RegistryToken is { } registryToken) return new AuthenticationHeaderValue("Bearer", registryToken);
        if (!challenges.TryGetValue(host, out var challenge)) return null;
        if (challenge.IsBasic) return credentials is { HasBasic: true } ? TokenFetcher.BasicAuthorization(credentials) : null;

        var key = $"{host}\n{string.Join(' ', scopes)}\n{Principal(credentials)}";
        if (!fresh && cache.TryGetValue(key, out var cached) && cached.IsValidAt(time.GetUtcNow()))
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        var token = await tokens.FetchAsync(challenge, scopes, credentials, cancellationToken).ConfigureAwait(false);
        if (cache.Count > PruneAbove) Prune();
        cache[key] = token;
        return new AuthenticationHeaderValue("Bearer", token.Token);
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, token) in cache)
            if (!token.IsValidAt(now)) cache.TryRemove(key, out _);
    }

    /// <summary>Who a token was issued to, without keeping the secrets themselves as cache keys.</summary>
    private static string Principal(RegistryCredentials? credentials) => credentials is null
        ? ""
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{credentials.Username}\0{credentials.Password}\0{credentials.IdentityToken}")));
}
