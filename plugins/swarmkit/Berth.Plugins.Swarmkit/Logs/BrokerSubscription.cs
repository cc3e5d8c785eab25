using System.IO.Pipelines;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Logs;

/// <summary>
/// One subscription on the manager that gathers it: the stream handed to the kernel, and where each involved node
/// stands (waiting to connect, publishing, done, or failed with the reason the final warning names).
/// </summary>
public sealed class BrokerSubscription : IDisposable
{
    private readonly Pipe pipe = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly SemaphoreSlim writing = new(1, 1);
    private readonly Lock gate = new();
    private readonly Dictionary<string, NodeProgress> nodes = new(StringComparer.Ordinal);
    private readonly List<string> problems = [];
    private readonly TaskCompletionSource settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource lifetime = new();
    private readonly TimeProvider time;

    public BrokerSubscription(LogSubscribeRequest request, bool follow, IEnumerable<string> unavailableNodes, IEnumerable<string> problems, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        Follow = follow;
        this.time = time;
        this.problems.AddRange(problems);
        var started = time.GetUtcNow();
        foreach (var node in request.Nodes.Keys)
            nodes[node] = new NodeProgress(NodeStage.Waiting, started);
        foreach (var node in unavailableNodes)
            Fail(node);
        Output = new OwnedStream(pipe.Reader.AsStream(), lifetime.Cancel);
        CheckSettled();
    }

    public LogSubscribeRequest Request { get; }

    public string Id => Request.Id;

    public bool Follow { get; }

    /// <summary>The stream of <see cref="TaskLogCodec"/> records for the kernel; disposing it ends the subscription.</summary>
    public Stream Output { get; }

    /// <summary>Cancelled when the subscription ends: its reader went away or it was finished.</summary>
    public CancellationToken Ending => lifetime.Token;

    /// <summary>Completes when every node is done or failed.</summary>
    public Task Settled => settled.Task;

    /// <summary>Passes a record to the reader; false when the reader went away.</summary>
    public async Task<bool> WriteAsync(TaskLogRecord record, CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (lifetime.IsCancellationRequested)
                return false;
            var result = await pipe.Writer.WriteAsync(TaskLogCodec.Encode(record), cancellationToken).ConfigureAwait(false);
            if (!result.IsCompleted)
                return true;
        }
        catch (InvalidOperationException)
        {
            // The writer was completed under us.
        }
        finally
        {
            writing.Release();
        }
        await lifetime.CancelAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>A publisher for <paramref name="node"/> connected; false when the node is not part of the subscription or already answered.</summary>
    public bool Connected(string node) => Move(node, NodeStage.Publishing, NodeStage.Waiting);

    /// <summary>The publisher sent something (an entry or a keepalive).</summary>
    public void Heard(string node)
    {
        lock (gate)
        {
            if (nodes.TryGetValue(node, out var progress))
                nodes[node] = progress with { LastHeard = time.GetUtcNow() };
        }
    }

    /// <summary>The node sent all it will.</summary>
    public void Ended(string node) => Move(node, NodeStage.Done, NodeStage.Publishing);

    /// <summary>The node's publisher went away before its end: followed, it may come back; otherwise the node failed.</summary>
    public void Lost(string node)
    {
        if (Follow)
            Move(node, NodeStage.Waiting, NodeStage.Publishing);
        else
            Fail(node);
    }

    /// <summary>Fails the nodes that did not connect within <paramref name="connectTimeout"/> (unless followed) or went silent for <paramref name="idleTimeout"/>.</summary>
    public void Expire(TimeSpan connectTimeout, TimeSpan idleTimeout)
    {
        var now = time.GetUtcNow();
        List<string> late;
        List<string> silent;
        lock (gate)
        {
            late = Follow ? [] : nodes.Where(n => n.Value.Stage == NodeStage.Waiting && now - n.Value.LastHeard >= connectTimeout).Select(n => n.Key).ToList();
            silent = nodes.Where(n => n.Value.Stage == NodeStage.Publishing && now - n.Value.LastHeard >= idleTimeout).Select(n => n.Key).ToList();
        }
        foreach (var node in late)
            Fail(node);
        foreach (var node in silent)
            Lost(node);
    }

    /// <summary>Moby's "incomplete log stream" text, or null when every node answered.</summary>
    public string? Warning()
    {
        lock (gate)
            return problems.Count == 0 ? null
                : $"warning: incomplete log stream. some logs could not be retrieved for the following reasons: {string.Join(", ", problems)}";
    }

    /// <summary>Writes the end record and closes the stream (the reader sees EOF after what was written).</summary>
    public async Task FinishAsync()
    {
        await WriteAsync(TaskLogRecord.End, CancellationToken.None).ConfigureAwait(false);
        await writing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            writing.Release();
        }
        await lifetime.CancelAsync().ConfigureAwait(false);
    }

    private void Fail(string node)
    {
        lock (gate)
        {
            if (!nodes.TryGetValue(node, out var progress) || progress.Stage is NodeStage.Done or NodeStage.Failed)
                return;
            nodes[node] = progress with { Stage = NodeStage.Failed };
            problems.Add($"node {node} is not available");
        }
        CheckSettled();
    }

    private bool Move(string node, NodeStage to, NodeStage from)
    {
        lock (gate)
        {
            if (!nodes.TryGetValue(node, out var progress) || progress.Stage != from)
                return false;
            nodes[node] = new NodeProgress(to, time.GetUtcNow());
        }
        CheckSettled();
        return true;
    }

    private void CheckSettled()
    {
        bool all;
        lock (gate)
            all = nodes.Values.All(n => n.Stage is NodeStage.Done or NodeStage.Failed);
        if (all)
            settled.TrySetResult();
    }

    // The token source and semaphore stay undisposed: late publishers and readers may still touch them.
    public void Dispose() => lifetime.Cancel();

    private enum NodeStage
    {
        Waiting,
        Publishing,
        Done,
        Failed,
    }

    private sealed record NodeProgress(NodeStage Stage, DateTimeOffset LastHeard);
}
