using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster.Fakes;

/// <summary>A cluster backend in memory: it records what it is asked and answers what the test set.</summary>
internal sealed class FakeClusterBackend : IClusterBackend
{
    private readonly Lock gate = new();
    private readonly List<string> calls = [];
    private readonly List<TaskStatusReport> reported = [];
    private NodeAssignments assignments = Empty;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static readonly NodeAssignments Empty = new("", "", [], new Dictionary<string, string>(), [], []);

    public SwarmStatus Status { get; set; } = new("active", "node1", "10.0.0.1", true, "", []);

    public string InitAnswer { get; set; } = "node1";

    /// <summary>What calls throw, by method name (e.g. "Init", "ReportTaskStatus", "GetAssignments").</summary>
    public Dictionary<string, Func<Exception?>> Failures { get; } = new(StringComparer.Ordinal);

    public JsonElement ListAnswer { get; set; } = JsonDocument.Parse("[]").RootElement;

    public JsonElement GetAnswer { get; set; } = JsonDocument.Parse("{}").RootElement;

    public JsonElement CreateAnswer { get; set; } = JsonDocument.Parse("""{"ID":"new1","Warnings":null}""").RootElement;

    public JsonElement UpdateAnswer { get; set; } = JsonDocument.Parse("""{"Warnings":null}""").RootElement;

    /// <summary>The last JSON argument (spec, request or filters) a call passed.</summary>
    public JsonElement? LastJson { get; private set; }

    public int AssignmentCalls { get; private set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (gate) return calls.ToList();
        }
    }

    public IReadOnlyList<TaskStatusReport> Reported
    {
        get
        {
            lock (gate) return reported.ToList();
        }
    }

    /// <summary>The node's assignments change: a waiting long poll answers.</summary>
    public void Publish(NodeAssignments next)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            assignments = next;
            wake = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    private Task Record(string call, JsonElement? json = null)
    {
        lock (gate)
        {
            calls.Add(call);
            if (json is not null) LastJson = json.Value.Clone();
        }
        var name = call.Split(' ')[0];
        return Failures.TryGetValue(name, out var failure) && failure() is { } ex ? Task.FromException(ex) : Task.CompletedTask;
    }

    public async Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await Record("GetStatus").ConfigureAwait(false);
        return Status;
    }

    public async Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken)
    {
        await Record("Init", request).ConfigureAwait(false);
        return InitAnswer;
    }

    public Task JoinAsync(JsonElement request, CancellationToken cancellationToken) => Record("Join", request);

    public Task LeaveAsync(bool force, CancellationToken cancellationToken) => Record($"Leave {force}");

    public async Task<JsonElement> InspectAsync(CancellationToken cancellationToken)
    {
        await Record("Inspect").ConfigureAwait(false);
        return GetAnswer;
    }

    public Task UpdateAsync(long version, JsonElement spec, SwarmUpdateFlags flags, CancellationToken cancellationToken) =>
        Record($"Update {version} {flags.RotateWorkerToken} {flags.RotateManagerToken} {flags.RotateManagerUnlockKey}", spec);

    public Task UnlockAsync(string unlockKey, CancellationToken cancellationToken) => Record($"Unlock {unlockKey}");

    public async Task<string> GetUnlockKeyAsync(CancellationToken cancellationToken)
    {
        await Record("GetUnlockKey").ConfigureAwait(false);
        return "SWMKEY-1-abc";
    }

    public async Task<JsonElement> ListAsync(string kind, JsonElement filters, CancellationToken cancellationToken)
    {
        await Record($"List {kind}", filters).ConfigureAwait(false);
        return ListAnswer;
    }

    public async Task<JsonElement> GetAsync(string kind, string idOrName, CancellationToken cancellationToken)
    {
        await Record($"Get {kind} {idOrName}").ConfigureAwait(false);
        return GetAnswer;
    }

    public async Task<JsonElement> CreateAsync(string kind, JsonElement spec, CancellationToken cancellationToken)
    {
        await Record($"Create {kind}", spec).ConfigureAwait(false);
        return CreateAnswer;
    }

    public async Task<JsonElement> UpdateObjectAsync(string kind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken)
    {
        await Record($"UpdateObject {kind} {idOrName} {version}", spec).ConfigureAwait(false);
        return UpdateAnswer;
    }

    public Task RemoveAsync(string kind, string idOrName, bool force, CancellationToken cancellationToken) => Record($"Remove {kind} {idOrName} {force}");

    public async Task<NodeAssignments> GetAssignmentsAsync(string knownRevision, CancellationToken cancellationToken)
    {
        Task wait;
        lock (gate)
        {
            AssignmentCalls++;
            if (Failures.TryGetValue("GetAssignments", out var failure) && failure() is { } ex) throw ex;
            if (assignments.Revision != knownRevision || assignments.Revision.Length == 0) return assignments;
            wait = changed.Task;
        }
        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (gate) return assignments;
    }

    public Task ReportTaskStatusAsync(IReadOnlyList<TaskStatusReport> reports, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            calls.Add($"ReportTaskStatus {reports.Count}");
            if (Failures.TryGetValue("ReportTaskStatus", out var failure) && failure() is { } ex) return Task.FromException(ex);
            reported.AddRange(reports);
        }
        return Task.CompletedTask;
    }

    /// <summary>What <see cref="ReadTaskLogsAsync"/> answers: the records to stream, or null to refuse as an old backend would.</summary>
    public IReadOnlyList<TaskLogRecord>? TaskLogs { get; set; }

    public TaskLogsRequest? LastTaskLogsRequest { get; private set; }

    public Task<Stream> ReadTaskLogsAsync(TaskLogsRequest request, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            calls.Add($"ReadTaskLogs {string.Join(",", request.TaskIds)}");
            LastTaskLogsRequest = request;
        }
        if (TaskLogs is not { } records) return Task.FromException<Stream>(BerthException.NotImplemented("plugin swarmkit does not implement Cluster.ReadTaskLogs"));
        return Task.FromResult<Stream>(new MemoryStream(records.SelectMany(TaskLogCodec.Encode).ToArray()));
    }

    public static BerthException Unavailable() => BerthException.Unavailable("plugin swarmkit is unavailable: restarting");
}
