using System.Net.Http;
using Berth.Kernel.Images.References;

namespace Berth.Kernel.Images.Distribution;

/// <summary>What a registry request is about, for the wording of its errors.</summary>
internal enum RegistrySubject
{
    Registry,
    Manifest,
    Blob,
    Upload,
}

/// <summary>
/// One call to a registry's v2 API. <see cref="Target"/> is a path and query, or an absolute URL (an upload's
/// Location). The content is made by a factory because an authentication retry sends the request again.
/// </summary>
internal sealed record RegistryRequest(
    HttpMethod Method,
    ImageReference Repository,
    string Target,
    RegistrySubject Subject,
    bool Push,
    RegistryCredentials? Credentials)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public Func<CancellationToken, Task<HttpContent>>? Content { get; init; }

    /// <summary>Repositories read from besides <see cref="Repository"/> (the source of a cross-repository mount).</summary>
    public IReadOnlyList<string> AlsoPullFrom { get; init; } = [];

    /// <summary>The token scopes: <c>repository:path:pull</c>, or <c>pull,push</c> for push calls.</summary>
    public IReadOnlyList<string> Scopes => ExplicitScopes ??
        [$"repository:{Repository.Path}:{(Push ? "pull,push" : "pull")}", .. AlsoPullFrom.Select(p => $"repository:{p}:pull")];

    /// <summary>Scopes that replace the repository's (none at all for a login check).</summary>
    public IReadOnlyList<string>? ExplicitScopes { get; init; }
}
