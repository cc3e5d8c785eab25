using System.Diagnostics;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Runs iptables as a child process: <c>PREFIX... --wait ARGUMENTS...</c>. The host uses the prefix <c>iptables</c>
/// (whatever backend it is: iptables-nft covers nftables); tests use <c>nsenter --net=PATH iptables</c>.
/// </summary>
internal sealed class IptablesCommand : IIptables
{
    private static readonly string[] SearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IReadOnlyList<string> prefix;

    /// <param name="prefix">The program and its first arguments; the program is looked up on PATH and in the sbin folders.</param>
    public IptablesCommand(IReadOnlyList<string> prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Count == 0) throw new ArgumentException("the command prefix is empty", nameof(prefix));
        this.prefix = prefix;
    }

    /// <summary>The host's <c>iptables</c>.</summary>
    public static IptablesCommand Host() => new(["iptables"]);

    public async Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var program = Resolve(prefix[0]);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Skip(1)) start.ArgumentList.Add(argument);
        // Wait for the xtables lock rather than fail when another program holds it (iptables-legacy).
        start.ArgumentList.Add("--wait");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var commandLine = string.Join(' ', start.ArgumentList.Prepend(prefix[0]));

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new IOException($"could not run {commandLine}: {ex.Message} (is iptables installed?)", ex);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"{commandLine} did not finish within {Timeout.TotalSeconds} s");
            }
            return new IptablesResult(commandLine, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }

    private static string Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal)) return program;
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(SearchPath).Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists) ?? program;
    }
}
