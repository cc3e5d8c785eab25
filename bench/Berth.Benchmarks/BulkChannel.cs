using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace Berth.Benchmarks;

/// <summary>
/// A Stream argument (IPluginControl.Drain) carried on its own MultiplexingStream channel: the plugin reads
/// it to the end and answers the byte count. ChildProcess goes through berth-plugin-host's stdio pipes;
/// InMemory through an in-memory FullDuplexStream pair served by PluginServer.
/// </summary>
[Config(typeof(BulkConfig))]
[MemoryDiagnoser]
public class BulkChannel
{
    private IPluginEndpoint endpoint = null!;

    [Params(Transport.ChildProcess, Transport.InMemory)]
    public Transport Transport { get; set; }

    /// <summary>1 MiB shows the fixed cost of opening a channel per Stream argument; 64 MiB the sustained rate.</summary>
    [Params(1, 64)]
    public int Megabytes { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        endpoint = await PluginEndpoints.StartAsync(Transport).ConfigureAwait(false);
        await Drain(1).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task Cleanup() => await endpoint.DisposeAsync().ConfigureAwait(false);

    [Benchmark]
    public Task<long> Drain() => Drain(Megabytes);

    private async Task<long> Drain(int megabytes)
    {
        var bytes = (long)megabytes << 20;
        var read = await endpoint.Control.DrainAsync(new RepeatingStream(Payload.Pattern, bytes), CancellationToken.None).ConfigureAwait(false);
        if (read != bytes) throw new InvalidOperationException($"the plugin read {read} bytes of {bytes}");
        return read;
    }
}

/// <summary>
/// The ceiling for BulkChannel/ChildProcess: the same bytes written straight into a child's stdin pipe
/// (<c>cat &gt;/dev/null</c>), with no multiplexing, framing or JSON-RPC.
/// </summary>
[Config(typeof(BulkConfig))]
public class RawPipe
{
    private Process child = null!;
    private Stream stdin = null!;

    [Params(64)]
    public int Megabytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec cat >/dev/null");
        child = Process.Start(start) ?? throw new InvalidOperationException("could not start /bin/sh");
        stdin = child.StandardInput.BaseStream;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        stdin.Dispose();
        child.WaitForExit(5000);
        child.Dispose();
    }

    [Benchmark]
    public async Task WriteToChildStdin()
    {
        var source = new RepeatingStream(Payload.Pattern, (long)Megabytes << 20);
        await source.CopyToAsync(stdin, Payload.Pattern.Length).ConfigureAwait(false);
        await stdin.FlushAsync().ConfigureAwait(false);
    }
}

internal static class Payload
{
    /// <summary>1 MiB of random bytes, repeated to make each payload.</summary>
    public static readonly ReadOnlyMemory<byte> Pattern = Make();

    private static byte[] Make()
    {
        var bytes = new byte[1 << 20];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
