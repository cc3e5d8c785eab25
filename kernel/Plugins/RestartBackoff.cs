namespace Berth.Kernel.Plugins;

/// <summary>Exponential restart delay: 100 ms doubling to 30 s; a plugin that stayed up for a minute starts over.</summary>
public sealed class RestartBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);

    private int failures;

    /// <summary>The delay before the next attempt after a crash of a process that ran for <paramref name="uptime"/>.</summary>
    public TimeSpan Next(TimeSpan uptime)
    {
        if (uptime >= StableAfter) failures = 0;
        var delay = TimeSpan.FromTicks(Math.Min(Max.Ticks, Initial.Ticks << Math.Min(failures, 20)));
        failures++;
        return delay;
    }
}
