using Berth.Kernel.Runtime.Native;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>
/// Starts Debian's conmon, the per-container monitor: it runs <c>runc create</c> (or <c>runc exec</c>), holds the
/// process's stdio, writes its output to a k8s-file log, serves an attach socket, writes the exit code to a file and
/// outlives berthd. berthd keeps no process of its own per container.
/// </summary>
public sealed class ConmonLauncher(string conmonPath)
{
    /// <summary>Runs <c>runc create</c> under a new conmon; returns the container's init pid (stopped before exec, until <c>runc start</c>).</summary>
    public async Task<int> CreateAsync(MonitorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var paths = request.Paths;
        PrepareDirectories(paths.ExecRoot, paths.Bundle);
        var args = new List<string>
        {
            "--api-version", "1", "-c", paths.Id, "-u", RuntimePaths.ShortId(paths.Id), "-n", request.Name,
            "-r", request.Runtime.Path, "-b", paths.Bundle, "-p", paths.Pidfile, "-P", paths.MonitorPidfile,
            "--exit-dir", RuntimePaths.ExitDirectory(paths.ExecRoot), "--persist-dir", paths.Bundle,
            "--socket-dir-path", RuntimePaths.SocketDirectory(paths.ExecRoot),
            "-l", "k8s-file:" + paths.Output, "--no-sync-log", "--log-level", "warning",
        };
        AddRuntimeArguments(args, request.Runtime, paths.ExecRoot);
        AddStdio(args, request.Tty, request.OpenStdin, leaveStdinOpen: request.OpenStdin && !request.StdinOnce);

        using var sync = new NativePipe();
        var pid = Spawn(args, paths.MonitorLog, [sync.WriteFd], ["_OCI_SYNCPIPE=3"]);
        sync.CloseWrite();
        _ = ProcessSpawner.ReapAsync(pid, CancellationToken.None);
        using var reader = new SyncPipeReader(sync.TakeRead());
        var message = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (message is { Data: > 0 } ok) return ok.Data;
        throw RuntimeErrors.Failed("create", message?.Message ?? ReadLog(paths.MonitorLog));
    }

    /// <summary>
    /// Starts conmon for an exec and waits until its attach socket listens; the process itself is started only by
    /// <see cref="ExecSession.StartAsync"/>, after the caller attached, so no output is lost.
    /// </summary>
    public async Task<ExecSession> PrepareExecAsync(ExecMonitorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        PrepareDirectories(request.Paths.ExecRoot, request.Bundle);
        var log = Path.Combine(request.Bundle, "conmon.log");
        var args = new List<string>
        {
            "--api-version", "1", "-c", request.Paths.Id, "-u", RuntimePaths.ShortId(request.ExecId),
            "-r", request.Runtime.Path, "-b", request.Bundle, "-p", Path.Combine(request.Bundle, "pidfile"),
            "--exit-dir", request.Bundle, "--socket-dir-path", RuntimePaths.SocketDirectory(request.Paths.ExecRoot),
            "-e", "--exec-process-spec", request.ProcessSpec, "--exec-attach", "-l", "none", "--log-level", "warning",
        };
        AddRuntimeArguments(args, request.Runtime, request.Paths.ExecRoot);
        AddStdio(args, request.Tty, request.OpenStdin, leaveStdinOpen: false);

        var sync = new NativePipe();
        var attach = new NativePipe();
        var start = new NativePipe();
        try
        {
            var pid = Spawn(args, log, [sync.WriteFd, attach.WriteFd, start.ReadFd], ["_OCI_SYNCPIPE=3", "_OCI_ATTACHPIPE=4", "_OCI_STARTPIPE=5"]);
            sync.CloseWrite();
            attach.CloseWrite();
            start.CloseRead();
            _ = ProcessSpawner.ReapAsync(pid, CancellationToken.None);
            var session = new ExecSession(request, new SyncPipeReader(sync.TakeRead()), start, log);
            // conmon reads the start pipe once before it sets up anything, then again before it runs the runtime.
            await session.SignalAsync().ConfigureAwait(false);
            using (var attachReader = new SyncPipeReader(attach.TakeRead()))
            {
                var ready = await attachReader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (ready is null)
                {
                    session.Dispose();
                    throw RuntimeErrors.Failed("exec", ReadLog(log));
                }
            }
            return session;
        }
        catch
        {
            sync.Dispose();
            attach.Dispose();
            start.Dispose();
            throw;
        }
    }

    private static void AddRuntimeArguments(List<string> args, OciRuntime runtime, string execRoot)
    {
        args.Add("--runtime-arg");
        args.Add("--root");
        args.Add("--runtime-arg");
        args.Add(RuntimePaths.RuncRoot(execRoot));
        foreach (var extra in runtime.Arguments)
        {
            args.Add("--runtime-arg");
            args.Add(extra);
        }
    }

    private static void AddStdio(List<string> args, bool tty, bool openStdin, bool leaveStdinOpen)
    {
        if (tty) args.Add("-t");
        if (openStdin) args.Add("-i");
        if (leaveStdinOpen) args.Add("--leave-stdin-open");
    }

    private static void PrepareDirectories(string execRoot, string bundle)
    {
        Directory.CreateDirectory(RuntimePaths.ExitDirectory(execRoot));
        Directory.CreateDirectory(RuntimePaths.SocketDirectory(execRoot));
        Directory.CreateDirectory(RuntimePaths.RuncRoot(execRoot));
        Directory.CreateDirectory(bundle);
    }

    private int Spawn(List<string> args, string logPath, IReadOnlyList<int> passFds, IReadOnlyList<string> pipeVariables)
    {
        var logFd = LibC.Open(logPath, LibC.OWronly | LibC.OCreat | LibC.OTrunc | LibC.OCloexec, 0x180);
        if (logFd < 0) throw new BerthException(BerthErrorKind.System, $"cannot create {logPath}: {LibC.Describe(LibC.LastErrno)}");
        try
        {
            var environment = new List<string>(pipeVariables)
            {
                "PATH=" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            };
            return ProcessSpawner.Spawn(conmonPath, args, environment, logFd, passFds);
        }
        finally
        {
            LibC.Close(logFd);
        }
    }

    internal static string ReadLog(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
