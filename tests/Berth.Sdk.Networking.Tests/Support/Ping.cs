using System.Diagnostics;

namespace Berth.Sdk.Networking.Tests.Support;

/// <summary>
/// Pings an address from inside a network namespace with <c>nsenter --net=PATH ping -c1 -W1</c> (or busybox's ping
/// when there is no ping), retrying briefly while a fresh link or bridge port comes up.
/// </summary>
internal static class Ping
{
    /// <summary>The command line prefix for ping, or null when neither nsenter nor a ping is installed.</summary>
    public static string[]? Command()
    {
        var nsenter = FindOnPath("nsenter");
        if (nsenter is null) return null;
        if (FindOnPath("ping") is { } ping) return [nsenter, ping];
        if (FindOnPath("busybox") is { } busybox) return [nsenter, busybox, "ping"];
        return null;
    }

    /// <summary>True once one echo from <paramref name="namespacePath"/> to <paramref name="address"/> is answered (5 tries).</summary>
    public static async Task<bool> FromNamespaceAsync(string namespacePath, string address)
    {
        var command = Command() ?? throw new InvalidOperationException("nsenter or ping is missing");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await OnceAsync(command, namespacePath, address).ConfigureAwait(false) == 0) return true;
        }
        return false;
    }

    private static async Task<int> OnceAsync(string[] command, string namespacePath, string address)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--net={namespacePath}");
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        foreach (var argument in new[] { "-c1", "-W1", address }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        await TestContext.Out.WriteLineAsync($"ping {address} in {namespacePath}: exit {process.ExitCode} {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}").ConfigureAwait(false);
        return process.ExitCode;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
