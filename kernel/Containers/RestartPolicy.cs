using System.Text.Json.Nodes;

namespace Berth.Kernel.Containers;

/// <summary>Moby's restart manager rules: which exits restart, and the backoff between restarts.</summary>
public static class RestartPolicy
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(10);

    public static bool ShouldRestart(JsonObject host, int exitCode, bool manuallyStopped, int restartCount)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (manuallyStopped) return false;
        return HostConfigDefaults.RestartPolicyName(host) switch
        {
            "always" or "unless-stopped" => true,
            "on-failure" => exitCode != 0 && (HostConfigDefaults.RestartMaxRetries(host) is var max && (max == 0 || restartCount < max)),
            _ => false,
        };
    }

    /// <summary>100 ms doubling to a minute; back to 100 ms after a run of 10 s or more.</summary>
    public static TimeSpan NextDelay(TimeSpan previous, TimeSpan lastRun)
    {
        if (lastRun >= StableRun || previous <= TimeSpan.Zero) return FirstDelay;
        var next = previous * 2;
        return next > MaxDelay ? MaxDelay : next;
    }
}
