using System.Diagnostics;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>
/// <c>nsenter --net=PATH ping -c1 -W1 ADDRESS</c> (busybox ping when there is no ping), a few tries while fresh
/// links and bridge ports come up.
/// </summary>
internal static class Ping
{
    public static async Task<bool> FromNamespaceAsync(string namespacePath, string address)
    {
        var ping = Tools.PingCommand() ?? throw new InvalidOperationException("ping is missing");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await OnceAsync(ping, namespacePath, address) == 0) return true;
        }
        return false;
    }

    private static async Task<int> OnceAsync(string[] ping, string namespacePath, string address)
    {
        var start = new ProcessStartInfo(Tools.Find("nsenter")!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--net={namespacePath}");
        foreach (var argument in ping) start.ArgumentList.Add(argument);
        foreach (var argument in new[] { "-c1", "-W1", address }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nsenter");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        await TestContext.Out.WriteLineAsync($"ping {address} from {namespacePath}: exit {process.ExitCode} {await output}{await error}");
        return process.ExitCode;
    }
}
