using System.Net.Http.Headers;
using System.Text.Json;
using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>
/// Calls on one v1 plugin: <c>POST /&lt;Interface&gt;.&lt;Method&gt;</c> with a JSON body and Docker's Accept header.
/// Unlike Docker, every non-streaming call has a deadline (<c>plugin-call-timeout</c>): a hung plugin becomes a clear
/// 504 error instead of a hung daemon. Streams have no deadline.
/// </summary>
public sealed class V1PluginClient : IDisposable
{
    public const string MediaType = "application/vnd.docker.plugins.v1.2+json";

    /// <summary>moby's backoff for connections that cannot be made: 1 s, doubling, at most 30 s apart.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1), MaxRetry = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;
    private readonly Func<TimeSpan> callTimeout;
    private readonly TimeProvider time;

    /// <param name="callTimeout">Read at each call, so a reloaded <c>plugin-call-timeout</c> applies; zero or less means none.</param>
    public V1PluginClient(V1PluginAddress address, HttpMessageHandler handler, Func<TimeSpan> callTimeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(handler);
        Address = address;
        this.callTimeout = callTimeout ?? throw new ArgumentNullException(nameof(callTimeout));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        // The deadline is ours (on the injected clock), not HttpClient's.
        http = new HttpClient(handler, disposeHandler: true) { BaseAddress = V1Transport.BaseAddress(address), Timeout = Timeout.InfiniteTimeSpan };
    }

    public V1PluginAddress Address { get; }

    public string Name => Address.Name;

    /// <summary>
    /// Sends a call and returns its JSON reply (<c>{}</c> for an empty body) once checked for errors. As moby does, a
    /// connection that cannot be made (plugin starting or restarting) is retried with backoff (1 s, 2 s, 4 s …) — here
    /// within the call's deadline; a request that reached the plugin is never retried.
    /// </summary>
    /// <exception cref="BerthException">The plugin failed (its message, kind from the status), is unreachable (503) or did not answer in time (504).</exception>
    public async Task<JsonElement> CallAsync(string method, object? request, CancellationToken cancellationToken)
    {
        var limit = callTimeout();
        using var deadline = limit > TimeSpan.Zero ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        HttpRequestException? unreachable = null;
        var backoff = FirstRetry;
        JsonElement reply;
        while (true)
        {
            try
            {
                using var response = await SendAsync(method, request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
                if ((int)response.StatusCode != 200) throw V1Errors.FromStatus(Name, method, (int)response.StatusCode, body);
                reply = Parse(method, body);
                break;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && limit > TimeSpan.Zero)
            {
                unreachable = ex;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(method, limit, unreachable: null); // the request was (being) sent: it hangs
            }
            catch (HttpRequestException ex)
            {
                throw Unreachable(ex);
            }
            try
            {
                await Task.Delay(backoff, time, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(method, limit, unreachable);
            }
            backoff = backoff * 2 < MaxRetry ? backoff * 2 : MaxRetry;
        }
        return V1Errors.FromReply(Name, method, reply) is { } error ? throw error : reply;
    }

    private BerthException TimedOut(string method, TimeSpan limit, HttpRequestException? unreachable) => unreachable is null
        ? new BerthException(BerthErrorKind.Timeout, $"plugin {Name} did not answer {method} within {limit.TotalSeconds:0.###}s (plugin-call-timeout)")
        : BerthException.Unavailable($"plugin {Name} is not reachable at {Address} (retried {method} for {limit.TotalSeconds:0.###}s): {Reason(unreachable)}");

    /// <summary>Sends a call and deserializes its checked reply.</summary>
    public async Task<T> CallAsync<T>(string method, object? request, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(method, request, cancellationToken).ConfigureAwait(false);
        try
        {
            return V1Json.Deserialize<T>(reply);
        }
        catch (JsonException ex)
        {
            throw new BerthException($"plugin {Name}: {method}: invalid reply: {ex.Message}");
        }
    }

    /// <summary>A call whose reply body is a raw stream (LogDriver.ReadLogs): no deadline and no retry; the caller disposes the stream.</summary>
    public async Task<Stream> StreamAsync(string method, object? request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(method, request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
        try
        {
            if ((int)response.StatusCode != 200)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                throw V1Errors.FromStatus(Name, method, (int)response.StatusCode, body);
            }
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string method, object? request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/" + method);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        // moby sends no Content-Type; helpers ignore it. A body only when there are arguments, as moby's client.Call does.
        message.Content = new ByteArrayContent(V1Json.Serialize(request));
        return await http.SendAsync(message, completion, cancellationToken).ConfigureAwait(false);
    }

    private JsonElement Parse(string method, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.AsSpan().Trim(" \t\r\n"u8).IsEmpty ? "{}"u8.ToArray() : body);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new BerthException($"plugin {Name}: {method}: the reply is not JSON: {ex.Message}");
        }
    }

    private BerthException Unreachable(HttpRequestException ex) =>
        BerthException.Unavailable($"plugin {Name} is not reachable at {Address}: {Reason(ex)}");

    private static string Reason(HttpRequestException ex) => ex.InnerException?.Message ?? ex.Message;

    public void Dispose() => http.Dispose();
}
