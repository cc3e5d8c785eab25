namespace Berth.Kernel.Plugins;

public enum PluginStatus
{
    Stopped,
    Starting,
    Running,
    Restarting,
}

/// <summary>A snapshot of a supervised plugin, shown by <c>docker plugin inspect</c>.</summary>
public sealed record PluginRuntimeState(
    PluginStatus Status,
    int Pid,
    string? Version,
    int RestartCount,
    string? LastError,
    DateTimeOffset? StartedAt,
    IReadOnlyList<string> Implements);
