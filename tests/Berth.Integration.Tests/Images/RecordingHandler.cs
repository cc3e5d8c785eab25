using System.Collections.Concurrent;
using System.Net;

namespace Berth.Integration.Tests.Images;

/// <summary>
/// The real network (a SocketsHttpHandler) with a log of what went over it, so tests can see a Range request and its
/// 206, or the HTTPS attempt that failed. <see cref="Relabel"/> rewrites the Content-Type of matching answers: distribution 2.8 refuses to store a
/// manifest of a media type it does not know, so that is the only way to have a real registry serve one.
/// </summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    private readonly ConcurrentQueue<Exchange> exchanges = new();

    /// <summary>One request; <see cref="Status"/> is null when it got no answer (refused, TLS handshake failed).</summary>
    public sealed record Exchange(HttpMethod Method, Uri Uri, string? Range, HttpStatusCode? Status);

    public IReadOnlyList<Exchange> Exchanges => exchanges.ToArray();

    public Func<HttpRequestMessage, string?>? Relabel { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            exchanges.Enqueue(new Exchange(request.Method, request.RequestUri!, request.Headers.Range?.ToString(), null));
            throw;
        }
        exchanges.Enqueue(new Exchange(request.Method, request.RequestUri!, request.Headers.Range?.ToString(), response.StatusCode));
        if (Relabel?.Invoke(request) is { } contentType)
        {
            response.Content.Headers.Remove("Content-Type");
            response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return response;
    }
}
