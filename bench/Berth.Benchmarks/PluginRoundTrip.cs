using BenchmarkDotNet.Attributes;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Logging;
using Berth.Sdk.Protocol;

namespace Berth.Benchmarks;

/// <summary>
/// JSON-RPC round trips from the kernel's side of a plugin connection: a control call (Plugin.Ping),
/// a driver call through the typed contract client (LogDriver.Capabilities), and 64 pings in flight at once.
/// ChildProcess is the real thing (berth-plugin-host json-log over stdio pipes); InMemory runs the same
/// server code over an in-memory pipe, so the difference is the cost of the process boundary.
/// Ping's answer includes the plugin's working set, which it reads with Process.GetCurrentProcess() on
/// every call; <see cref="PingServerCost"/> measures that part alone.
/// </summary>
[Config(typeof(RoundTripConfig))]
[MemoryDiagnoser]
public class PluginRoundTrip
{
    private const int Concurrent = 64;
    private IPluginEndpoint endpoint = null!;
    private ILogDriver logDriver = null!;
    private readonly Task[] batch = new Task[Concurrent];

    [Params(Transport.ChildProcess, Transport.InMemory)]
    public Transport Transport { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        endpoint = await PluginEndpoints.StartAsync(Transport).ConfigureAwait(false);
        logDriver = ContractBinding.Attach<ILogDriver>(endpoint.Rpc, "LogDriver.");
        // Warm both paths once so JIT and the first-call cost stay out of the pilot stage.
        await endpoint.Control.PingAsync(CancellationToken.None).ConfigureAwait(false);
        await logDriver.CapabilitiesAsync(CancellationToken.None).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        (logDriver as IDisposable)?.Dispose();
        await endpoint.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One Plugin.Ping, awaited before the next.</summary>
    [Benchmark(Baseline = true)]
    public Task<PluginHealth> Ping() => endpoint.Control.PingAsync(CancellationToken.None);

    /// <summary>One LogDriver.Capabilities through ContractBinding.Attach&lt;ILogDriver&gt;.</summary>
    [Benchmark]
    public Task<LogCapabilities> Capabilities() => logDriver.CapabilitiesAsync(CancellationToken.None);

    /// <summary>64 pings issued together; reported per ping.</summary>
    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task PingConcurrent64()
    {
        for (var i = 0; i < batch.Length; i++) batch[i] = endpoint.Control.PingAsync(CancellationToken.None);
        return Task.WhenAll(batch);
    }

    /// <summary>64 capability calls issued together; reported per call. Unlike Ping, the plugin does no work per call.</summary>
    [Benchmark(OperationsPerInvoke = Concurrent)]
    public Task CapabilitiesConcurrent64()
    {
        for (var i = 0; i < batch.Length; i++) batch[i] = logDriver.CapabilitiesAsync(CancellationToken.None);
        return Task.WhenAll(batch);
    }
}
