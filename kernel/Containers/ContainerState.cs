namespace Berth.Kernel.Containers;

/// <summary>Moby's container state as <c>docker inspect</c> shows it (State.*), plus the monitor's pid.</summary>
public sealed record ContainerState
{
    public string Status { get; init; } = "created";
    public bool Running { get; init; }
    public bool Paused { get; init; }
    public bool Restarting { get; init; }
    public bool OOMKilled { get; init; }
    public bool Dead { get; init; }
    public int Pid { get; init; }
    public int ExitCode { get; init; }
    public string Error { get; init; } = "";
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public HealthState? Health { get; init; }
}

public sealed record HealthState(string Status, int FailingStreak, IReadOnlyList<HealthLog> Log);

public sealed record HealthLog(DateTimeOffset Start, DateTimeOffset End, int ExitCode, string Output);
