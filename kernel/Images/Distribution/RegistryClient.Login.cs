using System.Net;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

public sealed partial class RegistryClient
{
    /// <summary>
    /// <c>docker login</c>: checks the credentials against the registry's <c>/v2/</c> endpoint (Basic, or a token
    /// with no scope from its token server). Throws 401 with Docker's wording when they are refused.
    /// </summary>
    public async Task LoginAsync(string serverAddress, RegistryCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverAddress);
        ArgumentNullException.ThrowIfNull(credentials);
        var host = serverAddress.Contains("://", StringComparison.Ordinal) ? new Uri(serverAddress).Authority : serverAddress.TrimEnd('/');
        if (host is "index.docker.io" or "docker.io" or "registry-1.docker.io") host = ImageReference.DefaultDomain;
        var anchor = ImageReference.Parse(host == ImageReference.DefaultDomain ? "library/login" : $"{host}/login");
        var request = new RegistryRequest(HttpMethod.Get, anchor, "/v2/", RegistrySubject.Registry, Push: false, credentials) { ExplicitScopes = [] };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new BerthException(BerthErrorKind.Unauthorized, $"Get \"{response.RequestMessage?.RequestUri}\": unauthorized: incorrect username or password");
        if (!response.IsSuccessStatusCode) throw await FailureAsync(request, response, cancellationToken).ConfigureAwait(false);
    }
}
