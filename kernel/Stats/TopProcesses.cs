using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Stats;

/// <summary>
/// <c>docker top</c> as dockerd does it: runs procps <c>ps &lt;args&gt; -q&lt;pids&gt;</c> (default args <c>-ef</c>),
/// retrying without <c>-q</c> when ps refuses the combination (e.g. <c>f</c>), and keeps the rows of the container's
/// processes by the PID column.
/// </summary>
public static partial class TopProcesses
{
    public const string DefaultArgs = "-ef";

    /// <summary>Lists <paramref name="pids"/> with ps's <paramref name="psArgs"/> (space separated, as the API's <c>ps_args</c>).</summary>
    /// <exception cref="BerthException">InvalidParameter when ps rejects the arguments or prints no PID column.</exception>
    public static async Task<TopList> ListAsync(IReadOnlyList<int> pids, string? psArgs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pids);
        if (string.IsNullOrWhiteSpace(psArgs)) psArgs = DefaultArgs;
        Validate(psArgs);
        var args = psArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var quick = "-q" + string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture)));

        var (code, output, error) = pids.Count > 0 ? await RunAsync([.. args, quick], ct).ConfigureAwait(false) : (1, "", "");
        if (code != 0)
        {
            (code, output, error) = await RunAsync(args, ct).ConfigureAwait(false);
            if (code != 0)
            {
                var reason = error.Split('\n', 2)[0].Trim();
                throw BerthException.Invalid($"ps: {(reason.Length > 0 ? reason : $"exit status {code}")}");
            }
        }
        return PsOutput.Parse(output, pids.ToHashSet());
    }

    /// <summary>Docker's <c>{"Titles":[…],"Processes":[[…]]}</c>.</summary>
    public static JsonObject ToJson(TopList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.ToJson();
    }

    /// <summary>As <see cref="ToJson(TopList)"/>, from a deconstructed list.</summary>
    public static JsonObject ToJson(IReadOnlyList<string> titles, IReadOnlyList<IReadOnlyList<string>> processes) =>
        new TopList(titles, processes).ToJson();

    /// <summary>Moby refuses renaming the PID column (<c>-o user=PID</c>), which would fake the filter.</summary>
    private static void Validate(string psArgs)
    {
        foreach (Match match in RenamedPid().Matches(psArgs))
        {
            var (key, value) = (match.Groups[1].Value, match.Groups[2].Value);
            if (key != "pid") throw BerthException.Invalid($"specifying \"{key}={value}\" is not allowed");
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ps")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BerthException("ps: cannot start");
        }
        catch (Win32Exception ex)
        {
            throw new BerthException($"ps: {ex.Message}", ex);
        }
        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(ct);
                var error = process.StandardError.ReadToEndAsync(ct);
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
                return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
                if (!process.HasExited) process.Kill();
                throw;
            }
        }
    }

    [GeneratedRegex(@"\s+([^\s]*)=\s*(PID[^\s]*)")]
    private static partial Regex RenamedPid();
}
