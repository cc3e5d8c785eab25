using Berth.Kernel.Cluster.Agent;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster.Fakes;

/// <summary>Collects the reports task workers make.</summary>
internal sealed class RecordingSink : ITaskStatusSink
{
    private readonly Lock gate = new();
    private readonly List<TaskStatusReport> reports = [];

    public IReadOnlyList<TaskStatusReport> Reports
    {
        get
        {
            lock (gate) return reports.ToList();
        }
    }

    public void Report(TaskStatusReport report)
    {
        lock (gate) reports.Add(report);
    }

    public IReadOnlyList<string> StatesOf(string taskId) => Reports.Where(r => r.TaskId == taskId).Select(r => r.State).ToList();

    public TaskStatusReport Last(string taskId) => Reports.Last(r => r.TaskId == taskId);

    public Task ReachesAsync(string taskId, string state) =>
        Wait.Eventually(() => StatesOf(taskId).Contains(state), $"task {taskId} to report {state} (has {string.Join(", ", StatesOf(taskId))})");
}
