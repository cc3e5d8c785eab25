using System.Collections.Concurrent;
using Berth.Kernel.Containers.Exec;
using Berth.Sdk;

namespace Berth.Kernel.Containers.Health;

/// <summary>
/// Runs each running container's health check as Moby does: every interval (start interval during the start
/// period), failures during the start period do not count, Retries consecutive failures make it unhealthy, and
/// every change of status is a <c>health_status</c> event. The last five results are kept.
/// </summary>
public sealed class HealthMonitor
{
    private const int KeptResults = 5;

    private readonly ContainerService containers;
    private readonly ExecService execs;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> running = new(StringComparer.Ordinal);

    public HealthMonitor(ContainerService containers, ExecService execs, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(containers);
        this.containers = containers;
        this.execs = execs;
        this.time = time;
        containers.Started += Start;
        containers.Stopped += c => Stop(c.Id);
    }

    public void Start(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (HealthCheckConfig.Of(container) is not { } check) return;
        var cancel = new CancellationTokenSource();
        if (running.TryGetValue(container.Id, out var previous)) previous.Cancel();
        running[container.Id] = cancel;
        _ = LoopAsync(container, check, cancel.Token);
    }

    public void Stop(string id)
    {
        if (running.TryRemove(id, out var cancel))
        {
            cancel.Cancel();
            cancel.Dispose();
        }
    }

    private async Task LoopAsync(Container container, HealthCheckConfig check, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var inStartPeriod = time.GetUtcNow() - started < check.StartPeriod;
                await Task.Delay(inStartPeriod ? check.StartInterval : check.Interval, time, cancellationToken).ConfigureAwait(false);
                if (!container.State.Running || container.State.Paused) continue;
                var begin = time.GetUtcNow();
                (int ExitCode, string Output) result;
                try
                {
                    result = await execs.RunCapturedAsync(container, check.Command, check.Timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (BerthException ex)
                {
                    result = (-1, ex.Message);
                }
                Record(container, check, new HealthLog(begin, time.GetUtcNow(), result.ExitCode, result.Output), time.GetUtcNow() - started < check.StartPeriod);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Record(Container container, HealthCheckConfig check, HealthLog log, bool inStartPeriod)
    {
        var health = container.State.Health ?? new HealthState("starting", 0, []);
        var logs = health.Log.Append(log).TakeLast(KeptResults).ToList();
        var status = health.Status;
        var streak = health.FailingStreak;
        if (log.ExitCode == 0)
        {
            status = "healthy";
            streak = 0;
        }
        else if (!(inStartPeriod && status == "starting"))
        {
            streak++;
            if (streak >= check.Retries) status = "unhealthy";
        }
        container.State = container.State with { Health = new HealthState(status, streak, logs) };
        if (status != health.Status) containers.Events.Publish(container, "health_status: " + status);
    }
}
