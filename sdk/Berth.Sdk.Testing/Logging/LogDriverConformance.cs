using System.Text;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks an <see cref="ILogDriver"/> against Docker's log-plugin contract as berthd uses it. Derive a
/// <c>[TestFixture]</c> from it and build your driver in <see cref="CreateLogDriverAsync"/>. Every test gets a fresh
/// driver over an empty root directory and FIFOs made as berthd makes them; all of it is removed afterwards.
/// A driver that cannot read its logs back (Capabilities.ReadLogs false) overrides <see cref="ReadBackAsync"/> so the
/// kit can see what it wrote; otherwise the kit reads through ReadLogs.
/// </summary>
public abstract partial class LogDriverConformance
{
    /// <summary>Timestamps of the lines the kit writes: 2024-05-01T10:00:00Z plus one nanosecond per line.</summary>
    protected static readonly long BaseTimeNano = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    private readonly DriverInstances<ILogDriver> drivers;
    private readonly List<ContainerLogPipe> pipes = [];
    private ConformanceWorkspace? workspace;
    private CancellationTokenSource? timeout;
    private int containers;

    /// <summary>A driver over <paramref name="root"/>; called again with the same root to check a restart.</summary>
    protected abstract Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct);

    protected LogDriverConformance() => drivers = new DriverInstances<ILogDriver>(d => DisposeLogDriverAsync(d), "log driver");

    /// <summary>Releases a driver; by default disposes it when it is (async) disposable.</summary>
    protected virtual Task DisposeLogDriverAsync(ILogDriver d) => DriverInstances<ILogDriver>.DisposeDefaultAsync(d);

    /// <summary>The <c>--log-opt</c> values every test's containers use (what your driver needs to work at all).</summary>
    protected virtual IReadOnlyDictionary<string, string> LogOptions => new Dictionary<string, string>();

    /// <summary>Log options your driver must refuse with an InvalidParameter error; null skips that check.</summary>
    protected virtual IReadOnlyDictionary<string, string>? InvalidLogOptions => new Dictionary<string, string> { ["berth-conformance-no-such-option"] = "x" };

    /// <summary>
    /// The lines the driver stored for the container, in order. By default read through ReadLogs (without follow); a
    /// driver that cannot read back (Capabilities.ReadLogs false) overrides it to read its file or query its sink.
    /// </summary>
    protected virtual async Task<IReadOnlyList<string>> ReadBackAsync(LogInfo info, CancellationToken ct)
    {
        if (!(await Driver.CapabilitiesAsync(ct).ConfigureAwait(false)).ReadLogs)
            Assert.Ignore("the driver cannot read logs back: override ReadBackAsync so the kit can see what it stored");
        var stream = await Driver.ReadLogsAsync(info, new ReadConfig(null, null, -1, false), ct).ConfigureAwait(false);
        return (await ReadToEndAsync(stream).ConfigureAwait(false)).Select(Text).ToList();
    }

    /// <summary>How long the kit waits for lines to show, for a stream to end, for a cancelled call to return.</summary>
    protected virtual TimeSpan Patience => TimeSpan.FromSeconds(10);

    /// <summary>How long one test may take before its driver calls are cancelled.</summary>
    protected virtual TimeSpan TestTimeout => TimeSpan.FromMinutes(2);

    protected ILogDriver Driver => drivers.Current;

    protected ConformanceWorkspace Workspace => workspace ?? throw new InvalidOperationException("no workspace outside a test");

    protected CancellationToken Cancellation => timeout?.Token ?? CancellationToken.None;

    [SetUp]
    public async Task SetUpLogDriverAsync()
    {
        timeout = new CancellationTokenSource(TestTimeout);
        workspace = ConformanceWorkspace.Create();
        try
        {
            await NewDriverAsync().ConfigureAwait(false);
        }
        catch
        {
            await TearDownLogDriverAsync().ConfigureAwait(false);
            throw;
        }
    }

    [TearDown]
    public async Task TearDownLogDriverAsync()
    {
        try
        {
            await drivers.DisposeAllAsync().ConfigureAwait(false);
            foreach (var pipe in pipes)
                await pipe.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            pipes.Clear();
            workspace?.Dispose();
            workspace = null;
            timeout?.Dispose();
            timeout = null;
        }
    }

    /// <summary>Another driver over the same root (the old one is left as it is): a plugin restart or upgrade.</summary>
    protected async Task<ILogDriver> NewDriverAsync()
    {
        return drivers.Add(await CreateLogDriverAsync(Workspace.Root, Cancellation).ConfigureAwait(false));
    }

    /// <summary>Disposes the current driver, as a plugin process that stops.</summary>
    protected Task StopDriverAsync() => drivers.StopCurrentAsync();

    /// <summary>A new container: its FIFO and the LogInfo berthd would pass, with <see cref="LogOptions"/> unless others are given.</summary>
    protected (ContainerLogPipe Pipe, LogInfo Info) NewContainer(IReadOnlyDictionary<string, string>? options = null)
    {
        var n = Interlocked.Increment(ref containers);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"container {n} {Workspace.Directory}")));
        var pipe = ContainerLogPipe.Create(Path.Combine(Workspace.Directory, $"{id[..12]}.fifo"));
        pipes.Add(pipe);
        var info = new LogInfo(
            options ?? LogOptions, id, $"/conformance-{n}", "/bin/sh", ["-c", "echo hi"],
            "sha256:" + new string('f', 64), "busybox:latest", new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero),
            ["PATH=/bin"], new Dictionary<string, string>(), Path.Combine(Workspace.Root, "containers", id, id + "-json.log"), "berth");
        Directory.CreateDirectory(Path.GetDirectoryName(info.LogPath)!);
        return (pipe, info);
    }

    protected static IReadOnlyList<string> Lines(string prefix, int first, int count) =>
        Enumerable.Range(first, count).Select(i => $"{prefix} {i}").ToList();

    /// <summary>What the driver stored for the container so far.</summary>
    protected Task<IReadOnlyList<string>> StoredLinesAsync(LogInfo info) => ReadBackAsync(info, Cancellation);

    /// <summary>Polls <see cref="StoredLinesAsync"/> until it holds <paramref name="count"/> lines or patience runs out.</summary>
    protected async Task<IReadOnlyList<string>> WaitForStoredLinesAsync(LogInfo info, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var lines = await StoredLinesAsync(info).ConfigureAwait(false);
            if (lines.Count >= count || DateTime.UtcNow > deadline)
                return lines;
            await Task.Delay(50, Cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Reads framed entries to the end of the stream; fails when the stream stays open past <see cref="Patience"/>.</summary>
    protected async Task<IReadOnlyList<LogEntry>> ReadToEndAsync(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var entries = new List<LogEntry>();
        await using (stream.ConfigureAwait(false))
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            patience.CancelAfter(Patience);
            try
            {
                while (await LogEntryCodec.ReadAsync(stream, patience.Token).AsTask().WaitAsync(patience.Token).ConfigureAwait(false) is { } entry)
                    entries.Add(entry);
            }
            catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
            {
                Assert.Fail($"a ReadLogs stream without follow was left open: no end after {Patience.TotalSeconds:0} s ({entries.Count} entries read)");
            }
        }
        return entries;
    }

    protected static string Text(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Encoding.UTF8.GetString(entry.Line.Span);
    }
}
