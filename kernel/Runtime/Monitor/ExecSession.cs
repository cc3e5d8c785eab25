using Berth.Kernel.Runtime.Native;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>A prepared exec: conmon waits on the start pipe; once started, the sync pipe gives the pid, then the exit code.</summary>
public sealed class ExecSession : IDisposable
{
    private readonly SyncPipeReader sync;
    private readonly NativePipe start;
    private readonly string log;

    internal ExecSession(ExecMonitorRequest request, SyncPipeReader sync, NativePipe start, string log)
    {
        Request = request;
        this.sync = sync;
        this.start = start;
        this.log = log;
    }

    public ExecMonitorRequest Request { get; }

    /// <summary>Runs the process; returns its pid.</summary>
    public async Task<int> StartAsync(CancellationToken cancellationToken)
    {
        await SignalAsync().ConfigureAwait(false);
        start.CloseWrite();
        var message = await sync.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (message is { Data: > 0 } ok) return ok.Data;
        throw RuntimeErrors.Failed("exec", message?.Message ?? ConmonLauncher.ReadLog(log));
    }

    /// <summary>Waits for the exec process to end; returns its exit code (128+signal when killed).</summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        var message = await sync.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (message is { } done) return done.Data;
        var exitFile = Path.Combine(Request.Bundle, Request.Paths.Id);
        return File.Exists(exitFile) && int.TryParse(await File.ReadAllTextAsync(exitFile, cancellationToken).ConfigureAwait(false), out var code) ? code : -1;
    }

    internal unsafe Task SignalAsync()
    {
        byte b = (byte)'\n';
        if (start.WriteFd >= 0) _ = LibC.Write(start.WriteFd, &b, 1);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        sync.Dispose();
        start.Dispose();
    }
}
