using System.Text.Json;
using Berth.Kernel.Plugins;
using Berth.Sdk.Hosting.Server;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Logging;
using Berth.Sdk.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace Berth.Benchmarks;

/// <summary>Where the benchmarked plugin runs.</summary>
public enum Transport
{
    /// <summary>A real berth-plugin-host child process from artifacts/berthd, over its stdin/stdout pipes.</summary>
    ChildProcess,

    /// <summary>PluginServer on the other end of an in-memory FullDuplexStream pair, same process.</summary>
    InMemory,
}

/// <summary>A kernel end of a plugin connection: the control surface and the log-driver client.</summary>
public interface IPluginEndpoint : IAsyncDisposable
{
    IPluginControl Control { get; }

    JsonRpc Rpc { get; }
}

public static class PluginEndpoints
{
    public static Task<IPluginEndpoint> StartAsync(Transport transport) => transport switch
    {
        Transport.ChildProcess => ChildPluginEndpoint.StartAsync("json-log"),
        Transport.InMemory => InMemoryPluginEndpoint.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };
}

/// <summary>Launches the published berth-plugin-host exactly as the supervisor does (ChildProcessLauncher + PluginConnection).</summary>
internal sealed class ChildPluginEndpoint : IPluginEndpoint
{
    private readonly PluginConnection connection;
    private readonly string stateDirectory;

    private ChildPluginEndpoint(PluginConnection connection, string stateDirectory)
    {
        this.connection = connection;
        this.stateDirectory = stateDirectory;
    }

    public IPluginControl Control => connection.Control;

    public JsonRpc Rpc => connection.Rpc.Rpc;

    public int Pid => connection.Process.Pid;

    public static async Task<IPluginEndpoint> StartAsync(string plugin)
    {
        var daemon = DaemonArtifacts.Directory;
        var package = Path.Combine(daemon, "plugins", plugin);
        var version = DaemonArtifacts.PackageVersion(package);
        var state = System.IO.Directory.CreateTempSubdirectory("berth-bench-").FullName;
        var launcher = new ChildProcessLauncher(Path.Combine(daemon, "berth-plugin-host"), NullLoggerFactory.Instance);
        var spec = new PluginLaunchSpec(plugin, version, package, state, new Dictionary<string, string>());
        var connection = await PluginConnection.StartAsync(
            launcher, spec, [Protocols.LogDriver], new NullKernelHost(), TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None)
            .ConfigureAwait(false);
        return new ChildPluginEndpoint(connection, state);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.StopAsync(TimeSpan.FromSeconds(5), TimeProvider.System).ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp; harmless.
        }
    }
}

/// <summary>The same server code the plugin host runs, on an in-memory pipe: isolates RPC cost from process and pipe cost.</summary>
internal sealed class InMemoryPluginEndpoint : IPluginEndpoint
{
    private readonly RpcConnection connection;
    private readonly Task server;

    private InMemoryPluginEndpoint(RpcConnection connection, IPluginControl control, Task server)
    {
        this.connection = connection;
        Control = control;
        this.server = server;
    }

    public IPluginControl Control { get; }

    public JsonRpc Rpc => connection.Rpc;

    public static async Task<IPluginEndpoint> StartAsync()
    {
        var (kernelEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var server = Task.Run(() => PluginServer.RunAsync(
            pluginEnd, new PluginIdentity("json-log", "1.0.0"), _ => new StubLogDriver(), TextWriter.Null));
        var connection = RpcConnection.Create(kernelEnd);
        ContractBinding.AddTarget(connection.Rpc, typeof(IKernelHost), KernelWire.KernelHostPrefix, new NullKernelHost());
        var control = ContractBinding.Attach<IPluginControl>(connection.Rpc, WireNames.ControlPrefix);
        connection.Rpc.StartListening();
        await control.ActivateAsync(new ActivationRequest("bench", [Protocols.LogDriver.ToString()]), CancellationToken.None)
            .ConfigureAwait(false);
        return new InMemoryPluginEndpoint(connection, control, server);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        await server.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}

/// <summary>Behaves as the json-log plugin does for the calls benchmarked here.</summary>
internal sealed class StubLogDriver : ILogDriver
{
    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new LogCapabilities(ReadLogs: true));

    public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopLoggingAsync(string file, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>The kernel side served to the plugin; the benchmarked calls never reach it.</summary>
internal sealed class NullKernelHost : IKernelHost
{
    public Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Stream> ReadContainerLogsAsync(string idOrName, ReadConfig config, CancellationToken cancellationToken) => throw new NotImplementedException();
}

/// <summary>Finds the published daemon: $BERTH_DAEMON_DIR, else artifacts/berthd above the working directory or the binary.</summary>
internal static class DaemonArtifacts
{
    public static string Directory { get; } = Find();

    public static string PackageVersion(string packageDirectory)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(packageDirectory, "config.json")));
        return config.RootElement.GetProperty("berth").GetProperty("version").GetString() ?? "0.0.0";
    }

    private static string Find()
    {
        var configured = Environment.GetEnvironmentVariable("BERTH_DAEMON_DIR");
        if (!string.IsNullOrEmpty(configured))
            return Check(Path.GetFullPath(configured)) ?? throw Missing(configured);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Check(Path.Combine(dir.FullName, "artifacts", "berthd")) is { } found) return found;
            }
        }
        throw Missing("artifacts/berthd");
    }

    private static string? Check(string dir) =>
        File.Exists(Path.Combine(dir, "berth-plugin-host")) && System.IO.Directory.Exists(Path.Combine(dir, "plugins")) ? dir : null;

    private static InvalidOperationException Missing(string where) =>
        new($"no published daemon at {where} (berth-plugin-host + plugins/): run `dotnet pwsh ./build.ps1 publish` or set BERTH_DAEMON_DIR");
}

/// <summary>A read-only stream of <c>length</c> bytes served from one shared buffer: no allocation per read.</summary>
internal sealed class RepeatingStream(ReadOnlyMemory<byte> pattern, long length) : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(Math.Min(buffer.Length, length - position), pattern.Length);
        pattern.Span[..n].CopyTo(buffer);
        position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
