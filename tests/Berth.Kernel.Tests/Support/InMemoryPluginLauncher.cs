using Berth.Kernel.Plugins;
using Berth.Sdk.Hosting.Server;
using Nerdbank.Streams;

namespace Berth.Kernel.Tests.Support;

/// <summary>
/// Stands in for <see cref="ChildProcessLauncher"/>: each launch serves a plugin object with the real
/// <see cref="PluginServer"/> on one end of an in-memory duplex pipe and hands the other end to the supervisor.
/// The RPC stack is the real one; only the operating-system process is simulated.
/// </summary>
internal sealed class InMemoryPluginLauncher(Func<int, PluginLaunchSpec, object> factory) : IPluginProcessLauncher
{
    private readonly Lock gate = new();
    private readonly List<FakePluginProcess> processes = [];

    /// <summary>Every process launched so far, in launch order (pid = index + 1).</summary>
    public IReadOnlyList<FakePluginProcess> Processes
    {
        get { lock (gate) return processes.ToList(); }
    }

    public int LaunchCount
    {
        get { lock (gate) return processes.Count; }
    }

    public Task<IPluginProcess> LaunchAsync(PluginLaunchSpec spec, CancellationToken cancellationToken)
    {
        FakePluginProcess process;
        lock (gate)
        {
            var pid = processes.Count + 1;
            var (kernelEnd, pluginEnd) = FullDuplexStream.CreatePair();
            var pluginSide = new HangableStream(pluginEnd);
            process = new FakePluginProcess(pid, kernelEnd, pluginSide);
            var identity = new PluginIdentity(spec.Name, spec.Version);
            var server = Task.Run(() => PluginServer.RunAsync(pluginSide, identity, _ => process.Plugin = factory(pid, spec), TextWriter.Null));
            process.Serve(server);
            processes.Add(process);
        }
        return Task.FromResult<IPluginProcess>(process);
    }
}

/// <summary>Launches a process whose plugin end is driven by the test's own script (a custom control surface, or silence).</summary>
internal sealed class ScriptedPluginLauncher(Func<Stream, Task> script) : IPluginProcessLauncher
{
    public FakePluginProcess? Process { get; private set; }

    public Task<IPluginProcess> LaunchAsync(PluginLaunchSpec spec, CancellationToken cancellationToken)
    {
        var (kernelEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var pluginSide = new HangableStream(pluginEnd);
        Process = new FakePluginProcess(1, kernelEnd, pluginSide);
        Process.Serve(Task.Run(() => script(pluginSide)));
        return Task.FromResult<IPluginProcess>(Process);
    }
}

/// <summary>A simulated plugin process: its exit is driven by the test (crash, kill) or by the plugin shutting down.</summary>
internal sealed class FakePluginProcess(int pid, Stream transport, HangableStream pluginSide) : IPluginProcess
{
    public const int KilledExitCode = 137;

    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Pid { get; } = pid;

    public Stream Transport { get; } = transport;

    public Task<int> Exited => exited.Task;

    public string RecentLog => "";

    /// <summary>The plugin object this process serves (null until built, or if its factory threw).</summary>
    public object? Plugin { get; set; }

    /// <summary>The first exit code, whatever caused the exit.</summary>
    public int? ExitCode { get; private set; }

    internal void Serve(Task server) =>
        // A plugin that answered Shutdown ends its server loop: the process exits cleanly.
        _ = server.ContinueWith(_ => Exit(0), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void Exit(int exitCode)
    {
        lock (exited)
        {
            if (ExitCode is not null) return;
            ExitCode = exitCode;
        }
        exited.SetResult(exitCode);
    }

    /// <summary>The process dies: its pipe closes, then it is reaped with <paramref name="exitCode"/>.</summary>
    public void Crash(int exitCode = 1)
    {
        pluginSide.Dispose();
        Exit(exitCode);
    }

    /// <summary>The process stops answering: nothing it writes reaches the kernel any more.</summary>
    public void Hang() => pluginSide.Hang();

    public void Kill() => Crash(KilledExitCode);

    public ValueTask DisposeAsync()
    {
        Transport.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The plugin's end of the pipe; once hung, its writes block until it is disposed (killed).</summary>
internal sealed class HangableStream(Stream inner) : Stream
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool hung;

    public void Hang() => hung = true;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (hung) await released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (hung) await released.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            released.TrySetResult();
        }
        base.Dispose(disposing);
    }
}
