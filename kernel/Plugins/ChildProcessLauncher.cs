using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nerdbank.Streams;

namespace Berth.Kernel.Plugins;

/// <summary>Starts <c>berth-plugin-host NAME VERSION --package DIR --root DIR</c> with piped stdio; its stderr goes to the daemon log.</summary>
public sealed class ChildProcessLauncher(string hostExecutable, ILoggerFactory loggers) : IPluginProcessLauncher
{
    public static string DefaultHostExecutable => Path.Combine(AppContext.BaseDirectory, "berth-plugin-host");

    public Task<IPluginProcess> LaunchAsync(PluginLaunchSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!File.Exists(hostExecutable))
            throw new Sdk.BerthException(Sdk.BerthErrorKind.System, $"the plugin host {hostExecutable} is missing from the installation");
        var start = new ProcessStartInfo(hostExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.StateDirectory,
        };
        foreach (var arg in new[] { spec.Name, spec.Version, "--package", spec.PackageDirectory, "--root", spec.StateDirectory })
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in spec.Environment) start.Environment[key] = value;
        Directory.CreateDirectory(spec.StateDirectory);

        var process = Process.Start(start) ?? throw new Sdk.BerthException(Sdk.BerthErrorKind.System, $"could not start {hostExecutable}");
        var logger = loggers.CreateLogger($"plugin/{spec.Name}");
        return Task.FromResult<IPluginProcess>(new ChildProcess(process, logger));
    }

    private sealed class ChildProcess : IPluginProcess
    {
        private const int KeptLines = 20;
        private readonly Process process;
        private readonly Queue<string> recent = new();
        private readonly Task stderrPump;

        public ChildProcess(Process process, ILogger logger)
        {
            this.process = process;
            Pid = process.Id;
            Transport = FullDuplexStream.Splice(process.StandardOutput.BaseStream, process.StandardInput.BaseStream);
            stderrPump = PumpLogAsync(process.StandardError, logger);
            Exited = WaitForExitAsync();
        }

        public int Pid { get; }
        public Stream Transport { get; }
        public Task<int> Exited { get; }

        public string RecentLog
        {
            get { lock (recent) return string.Join("\n", recent); }
        }

        private async Task<int> WaitForExitAsync()
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await stderrPump.ConfigureAwait(false);
            return process.ExitCode;
        }

        private async Task PumpLogAsync(StreamReader reader, ILogger logger)
        {
            try
            {
                while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
                {
                    lock (recent)
                    {
                        if (recent.Count == KeptLines) recent.Dequeue();
                        recent.Enqueue(line);
                    }
#pragma warning disable CA1848, CA2254 // the plugin's own line is the message
                    logger.LogInformation("{PluginLine}", line);
#pragma warning restore CA1848, CA2254
                }
            }
            catch (IOException)
            {
                // The pipe closed with the process.
            }
        }

        public void Kill()
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            try
            {
                // A grandchild holding stderr open could keep Exited pending; never let that block the supervisor.
                await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Killed already; the log pump ends when the last writer goes.
            }
            finally
            {
                await Transport.DisposeAsync().ConfigureAwait(false);
                process.Dispose();
            }
        }
    }
}
