using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Berth.Kernel.Plugins.V1;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Plugins.V1;

/// <summary>
/// A v1 plugin in memory: an <see cref="HttpMessageHandler"/> answering <c>POST /&lt;Interface&gt;.&lt;Method&gt;</c> from
/// per-method handlers, recording every request. Unknown methods answer 404 as a Go mux does.
/// </summary>
internal sealed class FakeV1Plugin : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<string, CancellationToken, Task<HttpResponseMessage>>> methods = new(StringComparer.Ordinal);

    public FakeV1Plugin(params string[] implements) =>
        Reply("Plugin.Activate", $"{{\"Implements\":[{string.Join(",", implements.Select(i => $"\"{i}\""))}]}}");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Count(string method) => Requests.Count(r => r.Method == method);

    public RecordedRequest Last(string method) => Requests.Last(r => r.Method == method);

    public FakeV1Plugin Reply(string method, string json, HttpStatusCode status = HttpStatusCode.OK) =>
        On(method, (_, _) => Task.FromResult(Response(status, json)));

    /// <summary>A method that never answers until the request is cancelled: a hung plugin.</summary>
    public FakeV1Plugin Hang(string method) => On(method, async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    });

    public FakeV1Plugin On(string method, Func<string, CancellationToken, Task<HttpResponseMessage>> handler)
    {
        methods[method] = handler;
        return this;
    }

    public static HttpResponseMessage Response(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/vnd.docker.plugins.v1.1+json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri!.AbsolutePath.TrimStart('/');
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request.Method.Method, method, request.Headers.Accept.ToString(), request.RequestUri.Host, body));
        return methods.TryGetValue(method, out var handler)
            ? await handler(body, cancellationToken)
            : Response(HttpStatusCode.NotFound, "404 page not found\n");
    }

    /// <summary>A registry whose plugins are served by <paramref name="plugins"/> (by name); each has a tcp:// spec file under a temp folder.</summary>
    public static (V1PluginRegistry Registry, string SpecDir) Registry(IReadOnlyDictionary<string, FakeV1Plugin> plugins, TimeProvider? time = null, TimeSpan? timeout = null)
    {
        var dir = Directory.CreateTempSubdirectory("berth-v1-test.").FullName;
        foreach (var name in plugins.Keys) File.WriteAllText(Path.Combine(dir, name + ".spec"), "tcp://127.0.0.1:9\n");
        var discovery = new V1PluginDiscovery(Path.Combine(dir, "sockets"), [dir]);
        var registry = new V1PluginRegistry(discovery, () => timeout ?? TimeSpan.FromSeconds(30), time ?? new FakeTimeProvider(), a => plugins[a.Name]);
        return (registry, dir);
    }
}

internal sealed record RecordedRequest(string HttpMethod, string Method, string Accept, string Host, string Body);
