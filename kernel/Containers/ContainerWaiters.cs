namespace Berth.Kernel.Containers;

/// <summary>Who waits for a container to stop (next-exit, not-running) or to go away (removed), as POST /wait does.</summary>
public sealed class ContainerWaiters
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<TaskCompletionSource<ExitResult>>> exits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<ExitResult>>> removals = new(StringComparer.Ordinal);

    public Task<ExitResult> NextExitAsync(string id) => AddAsync(exits, id);

    public Task<ExitResult> RemovalAsync(string id) => AddAsync(removals, id);

    public void Exited(string id, ExitResult result) => Complete(exits, id, result);

    public void Removed(string id, ExitResult result)
    {
        Complete(exits, id, result);
        Complete(removals, id, result);
    }

    private Task<ExitResult> AddAsync(Dictionary<string, List<TaskCompletionSource<ExitResult>>> map, string id)
    {
        var source = new TaskCompletionSource<ExitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (!map.TryGetValue(id, out var list)) map[id] = list = [];
            list.Add(source);
        }
        return source.Task;
    }

    private void Complete(Dictionary<string, List<TaskCompletionSource<ExitResult>>> map, string id, ExitResult result)
    {
        List<TaskCompletionSource<ExitResult>>? list;
        lock (gate)
        {
            if (!map.Remove(id, out list)) return;
        }
        foreach (var source in list) source.TrySetResult(result);
    }
}

public sealed record ExitResult(int ExitCode, string? Error);
