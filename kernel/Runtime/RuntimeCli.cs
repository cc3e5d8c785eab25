using System.Diagnostics;
using Berth.Kernel.Runtime.Monitor;
using Berth.Sdk;

namespace Berth.Kernel.Runtime;

/// <summary>The OCI runtime's own verbs on a created container (start, kill, pause, resume, update, delete). Thin: owns no state.</summary>
public sealed class RuntimeCli(string execRoot)
{
    public Task StartAsync(OciRuntime runtime, string id, CancellationToken cancellationToken) =>
        RunAsync(runtime, "start", [id], null, cancellationToken);

    /// <summary>Sends a signal to the init process (or, with <paramref name="all"/>, every process of the container).</summary>
    public Task KillAsync(OciRuntime runtime, string id, int signal, bool all, CancellationToken cancellationToken) =>
        RunAsync(runtime, "kill", all ? ["--all", id, signal.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [id, signal.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, cancellationToken);

    public Task PauseAsync(OciRuntime runtime, string id, CancellationToken cancellationToken) =>
        RunAsync(runtime, "pause", [id], null, cancellationToken);

    public Task ResumeAsync(OciRuntime runtime, string id, CancellationToken cancellationToken) =>
        RunAsync(runtime, "resume", [id], null, cancellationToken);

    /// <summary>Applies new resource limits (linux.resources JSON) to a running container.</summary>
    public Task UpdateAsync(OciRuntime runtime, string id, string resourcesJson, CancellationToken cancellationToken) =>
        RunAsync(runtime, "update", ["--resources", "-", id], resourcesJson, cancellationToken);

    public Task DeleteAsync(OciRuntime runtime, string id, CancellationToken cancellationToken) =>
        RunAsync(runtime, "delete", ["--force", id], null, cancellationToken);

    private async Task RunAsync(OciRuntime runtime, string verb, IReadOnlyList<string> args, string? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(runtime.Path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(RuntimePaths.RuncRoot(execRoot));
        foreach (var extra in runtime.Arguments) start.ArgumentList.Add(extra);
        start.ArgumentList.Add(verb);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new BerthException(BerthErrorKind.System, $"cannot start {runtime.Path}");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0) throw RuntimeErrors.Failed(verb, error);
    }
}
