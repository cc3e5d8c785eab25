using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Berth.Integration.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Integration.Tests.Plugins.V1;

/// <summary>
/// A small real Docker v1 plugin: Kestrel on <c>/run/docker/plugins/&lt;name&gt;.sock</c>, answering Plugin.Activate,
/// LogDriver (writes the lines it reads from each FIFO to <c>&lt;Dir&gt;/&lt;container id&gt;.log</c> and reads them back),
/// IpamDriver (one pool, addresses counted up from .2) and NetworkDriver (a veth pair per endpoint). Methods listed in
/// <c>hang</c> never answer. Disposing stops it and removes its socket, veths, files and the folders it created.
/// </summary>
public sealed class TestV1Plugin : IAsyncDisposable
{
    public const string SocketsDirectory = "/run/docker/plugins";

    private readonly WebApplication app;
    private readonly HashSet<string> hang;
    private readonly bool readLogs;
    private readonly List<string> createdDirectories;
    private readonly ConcurrentDictionary<string, Task> readers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> veths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> nextHost = new(StringComparer.Ordinal);

    private TestV1Plugin(string name, WebApplication app, HashSet<string> hang, bool readLogs, List<string> createdDirectories)
    {
        Name = name;
        this.app = app;
        this.hang = hang;
        this.readLogs = readLogs;
        this.createdDirectories = createdDirectories;
    }

    public string Name { get; }

    public string Socket => Path.Combine(SocketsDirectory, Name + ".sock");

    public string Dir { get; } = Directory.CreateTempSubdirectory("berth-it-v1plugin.").FullName;

    /// <summary>Every call received, in order: "Interface.Method body".</summary>
    public ConcurrentQueue<(string Method, string Body)> Calls { get; } = new();

    public IEnumerable<string> Methods => Calls.Select(c => c.Method);

    public string LogOf(string containerId)
    {
        var path = Path.Combine(Dir, containerId + ".log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    /// <param name="hang">Methods that never answer.</param>
    /// <param name="readLogs">What LogDriver.Capabilities says; without it the plugin also answers ReadLogs with 404.</param>
    public static async Task<TestV1Plugin> StartAsync(string name, IEnumerable<string>? hang = null, bool readLogs = true)
    {
        var created = new List<string>();
        foreach (var dir in new[] { "/run/docker", SocketsDirectory })
        {
            if (Directory.Exists(dir)) continue;
            Directory.CreateDirectory(dir);
            created.Add(dir);
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(Path.Combine(SocketsDirectory, name + ".sock")));
        var app = builder.Build();
        var plugin = new TestV1Plugin(name, app, [.. hang ?? []], readLogs, created);
        app.Run(plugin.ServeAsync);
        await app.StartAsync();
        return plugin;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var method = context.Request.Path.Value!.TrimStart('/');
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Calls.Enqueue((method, body));
        if (hang.Contains(method))
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return;
        }
        using var request = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        var args = request.RootElement;
        if (method == "LogDriver.ReadLogs" && readLogs)
        {
            await ReadLogsAsync(context, args);
            return;
        }
        object? reply = method switch
        {
            "Plugin.Activate" => new { Implements = new[] { "LogDriver", "IpamDriver", "NetworkDriver" } },
            "LogDriver.Capabilities" => new { Cap = new { ReadLogs = readLogs } },
            "LogDriver.StartLogging" => StartLogging(args.GetProperty("File").GetString()!, args.GetProperty("Info").GetProperty("ContainerID").GetString()!),
            "LogDriver.StopLogging" => new { Err = "" },
            "IpamDriver.GetDefaultAddressSpaces" => new { LocalDefaultAddressSpace = "v1local", GlobalDefaultAddressSpace = "v1global" },
            "IpamDriver.RequestPool" => RequestPool(args),
            "IpamDriver.RequestAddress" => RequestAddress(args),
            "IpamDriver.ReleasePool" or "IpamDriver.ReleaseAddress" => new { },
            "NetworkDriver.GetCapabilities" => new { Scope = "local" },
            "NetworkDriver.CreateNetwork" or "NetworkDriver.DeleteNetwork" or "NetworkDriver.Leave" => new { },
            "NetworkDriver.CreateEndpoint" => new { },
            "NetworkDriver.EndpointOperInfo" => new { Value = new { } },
            "NetworkDriver.Join" => await JoinAsync(args.GetProperty("EndpointID").GetString()!),
            "NetworkDriver.DeleteEndpoint" => await DeleteEndpointAsync(args.GetProperty("EndpointID").GetString()!),
            _ => null,
        };
        if (reply is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("404 page not found\n");
            return;
        }
        context.Response.ContentType = "application/vnd.docker.plugins.v1.1+json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(reply));
    }

    private object StartLogging(string fifo, string containerId)
    {
        readers[fifo] = Task.Run(() => CopyFifoAsync(fifo, Path.Combine(Dir, containerId + ".log")));
        return new { Err = "" };
    }

    /// <summary>Frames from the FIFO until its last writer (the daemon) closes it; one "source: line" per entry.</summary>
    private static async Task CopyFifoAsync(string fifo, string logFile)
    {
        await using var input = new FileStream(fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var entries = new Berth.Sdk.Logging.LogEntryReader(input);
        while (await entries.MoveNextAsync(CancellationToken.None))
        {
            var entry = entries.Current.ToLogEntry();
            await File.AppendAllTextAsync(logFile, $"{entry.Source}: {Encoding.UTF8.GetString(entry.Line.Span)}\n");
        }
    }

    private async Task ReadLogsAsync(HttpContext context, JsonElement args)
    {
        var id = args.GetProperty("Info").GetProperty("ContainerID").GetString()!;
        var buffer = new global::System.Buffers.ArrayBufferWriter<byte>();
        foreach (var line in LogOf(id).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            Berth.Sdk.Logging.LogEntryCodec.Encode(buffer, new Berth.Sdk.Logging.LogEntry(line[..colon], 1_700_000_000_000_000_000, Encoding.UTF8.GetBytes(line[(colon + 2)..]), false));
        }
        await context.Response.Body.WriteAsync(buffer.WrittenMemory);
    }

    private object RequestPool(JsonElement args)
    {
        var pool = args.GetProperty("Pool").GetString() is { Length: > 0 } given ? given : "10.231.91.0/24";
        return new { PoolID = "v1pool-" + pool, Pool = pool, Data = new Dictionary<string, string>() };
    }

    private object RequestAddress(JsonElement args)
    {
        var poolId = args.GetProperty("PoolID").GetString()!;
        var pool = poolId["v1pool-".Length..];
        var prefix = pool[..pool.LastIndexOf('.')];
        var length = pool[(pool.IndexOf('/') + 1)..];
        var gateway = args.TryGetProperty("Options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("RequestAddressType", out var type) && type.GetString() == "com.docker.network.gateway";
        if (args.GetProperty("Address").GetString() is { Length: > 0 } wanted) return new { Address = $"{wanted}/{length}" };
        var host = gateway ? 1 : nextHost.AddOrUpdate(poolId, 2, (_, n) => n + 1);
        return new { Address = $"{prefix}.{host}/{length}" };
    }

    private async Task<object> JoinAsync(string endpointId)
    {
        var hostSide = "v1h" + endpointId[..8];
        var containerSide = "v1c" + endpointId[..8];
        var add = await Processes.RunAsync("ip", ["link", "add", hostSide, "type", "veth", "peer", "name", containerSide]);
        if (add.ExitCode != 0) return new { Err = "ip link add: " + add.Stderr.Trim() };
        veths[endpointId] = hostSide;
        await Processes.RunAsync("ip", ["link", "set", hostSide, "up"]);
        return new { InterfaceName = new { SrcName = containerSide, DstPrefix = "eth" } };
    }

    private async Task<object> DeleteEndpointAsync(string endpointId)
    {
        if (veths.TryRemove(endpointId, out var hostSide)) await Processes.RunAsync("ip", ["link", "delete", hostSide]);
        return new { };
    }

    /// <summary>The host ends of the veth pairs this plugin made and has not deleted yet.</summary>
    public IReadOnlyCollection<string> Veths => veths.Values.ToList();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        File.Delete(Socket);
        foreach (var hostSide in veths.Values) await Processes.RunAsync("ip", ["link", "delete", hostSide]);
        await Task.WhenAny(Task.WhenAll(readers.Values), Task.Delay(TimeSpan.FromSeconds(5)));
        Directory.Delete(Dir, recursive: true);
        foreach (var dir in Enumerable.Reverse(createdDirectories))
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
    }
}
