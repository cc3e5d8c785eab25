using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Containers.Health;

/// <summary>Config.Healthcheck with Docker's defaults: 30 s interval and timeout, 3 retries, no start period.</summary>
public sealed record HealthCheckConfig(IReadOnlyList<string> Command, TimeSpan Interval, TimeSpan Timeout, TimeSpan StartPeriod, TimeSpan StartInterval, int Retries)
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    /// <returns>null when the container has no health check (none configured, or NONE).</returns>
    public static HealthCheckConfig? Of(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Config["Healthcheck"] is not JsonObject health || health["Test"] is not JsonArray test || test.Count == 0) return null;
        var words = test.Select(t => t?.GetValue<string>() ?? "").ToList();
        IReadOnlyList<string>? command = words[0] switch
        {
            "NONE" => null,
            "CMD" => words.Skip(1).ToList(),
            "CMD-SHELL" => [.. ShellOf(container), string.Join(' ', words.Skip(1))],
            _ => null,
        };
        if (command is null || command.Count == 0) return null;
        return new HealthCheckConfig(
            command,
            Duration(health, "Interval", DefaultInterval),
            Duration(health, "Timeout", DefaultInterval),
            Duration(health, "StartPeriod", TimeSpan.Zero),
            Duration(health, "StartInterval", TimeSpan.FromSeconds(5)),
            health["Retries"]?.GetValue<int>() is > 0 and var retries ? retries : 3);
    }

    private static IReadOnlyList<string> ShellOf(Container container) =>
        JsonRead.Strings(container.Config, "Shell") is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"];

    /// <summary>Durations are nanoseconds in the API; 0 means the default.</summary>
    private static TimeSpan Duration(JsonObject health, string key, TimeSpan fallback) =>
        health[key]?.GetValue<long>() is > 0 and var nanos ? TimeSpan.FromTicks(nanos / 100) : fallback;
}
