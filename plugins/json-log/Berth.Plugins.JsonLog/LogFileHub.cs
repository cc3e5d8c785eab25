namespace Berth.Plugins.JsonLog;

/// <summary>
/// What the writer and the readers of one log path share inside this plugin: a lock that keeps readers from opening
/// the rotation set halfway through a rotation, and a signal that new lines were written or the writer went away.
/// </summary>
internal sealed class LogFileHub(string path)
{
    private TaskCompletionSource? changed;
    private int writerStops;

    public string Path { get; } = path;

    /// <summary>Held while files are renamed (writer) or the rotation set is opened (readers).</summary>
    public Lock Gate { get; } = new();

    /// <summary>How many times a writer of this path stopped; followers end when it changes.</summary>
    public int WriterStops => Volatile.Read(ref writerStops);

    internal int References { get; set; }

    /// <summary>Completes at the next <see cref="Pulse"/>. Take it before looking for new lines, so none is missed.</summary>
    public Task Changed
    {
        get
        {
            var current = Volatile.Read(ref changed);
            if (current is not null) return current.Task;
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (Interlocked.CompareExchange(ref changed, created, null) ?? created).Task;
        }
    }

    public void Pulse() => Interlocked.Exchange(ref changed, null)?.TrySetResult();

    public void WriterStopped()
    {
        Interlocked.Increment(ref writerStops);
        Pulse();
    }
}
