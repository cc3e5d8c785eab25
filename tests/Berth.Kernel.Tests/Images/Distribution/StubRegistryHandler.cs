using System.Net;
using System.Text;

namespace Berth.Kernel.Tests.Images.Distribution;

/// <summary>
/// Plays a registry and its token server in memory. Only the authentication tests use it: this machine has no token
/// server (the real-registry tests in Berth.Integration.Tests run Debian's docker-registry without auth), so the
/// challenge → token → retry flow can only be exercised against a stand-in.
/// </summary>
internal sealed class StubRegistryHandler(Func<StubRegistryHandler.Seen, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly Lock gate = new();
    private readonly List<Seen> seen = [];

    public sealed record Seen(HttpMethod Method, Uri Uri, string? Authorization, string Body, string? Range)
    {
        public string Path => Uri.AbsolutePath;
    }

    public IReadOnlyList<Seen> Requests
    {
        get
        {
            lock (gate) return seen.ToList();
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string contentType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, contentType) };

    public static HttpResponseMessage Challenge(string challenge)
    {
        var response = Json(HttpStatusCode.Unauthorized, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var entry = new Seen(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body,
            request.Headers.Range?.ToString());
        lock (gate) seen.Add(entry);
        var response = respond(entry);
        response.RequestMessage = request;
        return response;
    }
}
