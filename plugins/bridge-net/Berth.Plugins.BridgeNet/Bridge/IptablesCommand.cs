using System.Diagnostics;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Runs iptables as a child process: <c>PREFIX... --wait ARGUMENTS...</c>. The host uses the prefix <c>iptables</c>
/// (whatever backend it is: iptables-nft covers nftables); tests use <c>nsenter --net=PATH iptables</c>. Its
/// companions <c>iptables-save</c> and <c>iptables-restore</c> (the prefix's last word with <c>-save</c> or
/// <c>-restore</c>, so <c>iptables-legacy</c> goes with <c>iptables-legacy-save</c>) run the same way.
/// </summary>
internal sealed class IptablesCommand : IIptables
{
    private static readonly string[] SearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IReadOnlyList<string> prefix;
    private readonly string? save;
    private readonly string? restore;

    /// <param name="prefix">The program and its first arguments; the program is looked up on PATH and in the sbin folders.</param>
    public IptablesCommand(IReadOnlyList<string> prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Count == 0) throw new ArgumentException("the command prefix is empty", nameof(prefix));
        this.prefix = prefix;
        save = Find(prefix[^1] + "-save");
        restore = Find(prefix[^1] + "-restore");
    }

    /// <summary>The host's <c>iptables</c>.</summary>
    public static IptablesCommand Host() => new(["iptables"]);

    public bool CanBatch => save is not null && restore is not null;

    public Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        // Wait for the xtables lock rather than fail when another program holds it (iptables-legacy).
        ExecuteAsync([.. prefix, "--wait", .. arguments], input: null, cancellationToken);

    public Task<IptablesResult> SaveAsync(CancellationToken cancellationToken) =>
        ExecuteAsync([.. prefix.SkipLast(1), save ?? prefix[^1] + "-save"], input: null, cancellationToken);

    public Task<IptablesResult> RestoreAsync(string input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ExecuteAsync([.. prefix.SkipLast(1), restore ?? prefix[^1] + "-restore", "--noflush", "--wait"], input, cancellationToken);
    }

    /// <summary>Runs <paramref name="command"/> (program first), writing <paramref name="input"/> to its standard input when there is one.</summary>
    private static async Task<IptablesResult> ExecuteAsync(IReadOnlyList<string> command, string? input, CancellationToken cancellationToken)
    {
        var program = Resolve(command[0]);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        var commandLine = string.Join(' ', command);

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
                if (input is not null) await WriteInputAsync(process, input, timeout.Token).ConfigureAwait(false);
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

    /// <summary>Writes the input and closes the pipe; a program that exits without reading it all reports why itself.</summary>
    private static async Task WriteInputAsync(Process process, string input, CancellationToken cancellationToken)
    {
        var writer = process.StandardInput;
        try
        {
            await writer.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The pipe broke: the program exited early; its exit code and message tell why.
        }
        finally
        {
            try
            {
                writer.Close();
            }
            catch (IOException)
            {
                // Same: closing a broken pipe.
            }
        }
    }

    /// <summary>The program's path: itself when it has a slash, else the first match on PATH or in the sbin folders (the name itself when none).</summary>
    private static string Resolve(string program) => Find(program) ?? program;

    private static string? Find(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal)) return File.Exists(program) ? program : null;
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(SearchPath).Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);
    }
}
