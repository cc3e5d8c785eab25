using System.Text.Json.Nodes;
using Berth.Kernel.Cluster;
using Berth.Kernel.Cluster.Agent;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster.Fakes;

/// <summary>In-memory containers: create/start/stop/remove change state at once; an exit is what the test says it is.</summary>
internal sealed class FakeTaskContainers : ITaskContainers
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly List<string> calls = [];
    private int next;

    public Func<string, Exception?> CreateFailure { get; set; } = _ => null;

    public Func<string, Exception?> StartFailure { get; set; } = _ => null;

    /// <summary>When set, StartAsync waits for it (a start in flight).</summary>
    public TaskCompletionSource? StartGate { get; set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (gate) return calls.ToList();
        }
    }

    public Entry? this[string id]
    {
        get
        {
            lock (gate) return entries.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<Entry> All
    {
        get
        {
            lock (gate) return entries.Values.ToList();
        }
    }

    /// <summary>A container that already exists (e.g. found after a daemon restart).</summary>
    public Entry Add(string taskId, bool running, bool started, int exitCode = 0, string? name = null)
    {
        lock (gate)
        {
            var id = $"existing{++next}";
            var entry = new Entry(id, name ?? $"svc.1.{taskId}", new Dictionary<string, string> { [SwarmLabels.Task] = "", [SwarmLabels.TaskId] = taskId }, [])
            {
                Running = running,
                Started = started || running,
                ExitCode = exitCode,
                Pid = running ? 4242 : 0,
            };
            entries[id] = entry;
            return entry;
        }
    }

    /// <summary>The container's process ends with <paramref name="exitCode"/>.</summary>
    public void Exit(string id, int exitCode)
    {
        List<TaskCompletionSource<int>> waiters;
        lock (gate)
        {
            var entry = entries[id];
            entry.Running = false;
            entry.ExitCode = exitCode;
            entry.Pid = 0;
            waiters = entry.Waiters.ToList();
            entry.Waiters.Clear();
        }
        foreach (var waiter in waiters) waiter.TrySetResult(exitCode);
    }

    public IReadOnlyList<TaskContainer> List()
    {
        lock (gate) return entries.Values.Where(e => e.Labels.ContainsKey(SwarmLabels.Task) || e.Labels.ContainsKey(SwarmLabels.TaskId)).Select(e => e.View).ToList();
    }

    public TaskContainer? FindByTask(string taskId)
    {
        lock (gate) return entries.Values.FirstOrDefault(e => e.Labels.GetValueOrDefault(SwarmLabels.TaskId) == taskId)?.View;
    }

    public TaskContainer? Inspect(string id)
    {
        lock (gate) return entries.GetValueOrDefault(id)?.View;
    }

    public Task<string> CreateAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            calls.Add($"create {name}");
            if (CreateFailure(name) is { } failure) return Task.FromException<string>(failure);
            var labels = (body["Labels"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
            var id = $"c{++next}";
            entries[id] = new Entry(id, name, labels, body);
            return Task.FromResult(id);
        }
    }

    public async Task StartAsync(string id, CancellationToken cancellationToken)
    {
        lock (gate) calls.Add($"start {id}");
        if (StartGate is { } startGate) await startGate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            if (!entries.TryGetValue(id, out var entry)) throw BerthException.NotFound($"No such container: {id}");
            if (StartFailure(id) is { } failure) throw failure;
            entry.Running = true;
            entry.Started = true;
            entry.Pid = 1000 + next;
        }
    }

    public Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        bool running;
        lock (gate)
        {
            calls.Add($"stop {id} {grace.TotalSeconds}s");
            running = entries.TryGetValue(id, out var entry) && entry.Running;
        }
        if (running) Exit(id, 143);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        List<TaskCompletionSource<int>> waiters;
        int exitCode;
        lock (gate)
        {
            calls.Add($"remove {id}");
            if (!entries.Remove(id, out var entry)) return Task.FromException(BerthException.NotFound($"No such container: {id}"));
            waiters = entry.Waiters.ToList();
            exitCode = entry.Running ? 137 : entry.ExitCode;
        }
        foreach (var waiter in waiters) waiter.TrySetResult(exitCode);
        return Task.CompletedTask;
    }

    public Task<int> WaitNotRunningAsync(string id)
    {
        lock (gate)
        {
            if (!entries.TryGetValue(id, out var entry)) return Task.FromException<int>(BerthException.NotFound($"No such container: {id}"));
            if (!entry.Running) return Task.FromResult(entry.ExitCode);
            var waiter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Waiters.Add(waiter);
            return waiter.Task;
        }
    }

    internal sealed class Entry(string id, string name, Dictionary<string, string> labels, JsonObject body)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public Dictionary<string, string> Labels { get; } = labels;
        public JsonObject Body { get; } = body;
        public bool Running { get; set; }
        public bool Started { get; set; }
        public int ExitCode { get; set; }
        public int Pid { get; set; }
        public List<TaskCompletionSource<int>> Waiters { get; } = [];
        public TaskContainer View => new(Id, Name, Labels.GetValueOrDefault(SwarmLabels.TaskId) ?? "", Running, Started, ExitCode, Pid);
    }
}
