using System.Security.Cryptography;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Tests.Support;

/// <summary>A plugin implementing two driver contracts, with hooks the tests set to make it misbehave.</summary>
internal sealed class TestDriver : ILogDriver, IGraphDriver, IDisposable
{
    /// <summary>Completes with the token StopLogging received once it is called; StopLogging then waits for that token.</summary>
    public TaskCompletionSource<CancellationToken> StopLoggingEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StopLoggingCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? StartLoggingError { get; set; }

    public string? AppliedDiffSha256 { get; private set; }

    public byte[] LogBytes { get; set; } = [];

    public bool Disposed { get; private set; }

    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new LogCapabilities(true));

    public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken) =>
        StartLoggingError is { } error ? Task.FromException(error) : Task.CompletedTask;

    public async Task StopLoggingAsync(string file, CancellationToken cancellationToken)
    {
        StopLoggingEntered.TrySetResult(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            StopLoggingCancelled.TrySetResult();
            throw;
        }
    }

    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(LogBytes, writable: false));

    public Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

    Task<GraphDriverCapabilities> IGraphDriver.CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GraphDriverCapabilities(true));

    public Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken) =>
        id == "missing" ? throw BerthException.NotFound($"layer {id} does not exist") : Task.FromResult($"/layers/{id}/merged");

    /// <summary>Throws a <see cref="BerthException"/> of the kind named by <paramref name="id"/>, when it names one.</summary>
    public async Task PutAsync(string id, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (Enum.TryParse<BerthErrorKind>(id, out var kind)) throw new BerthException(kind, $"{kind} from the driver");
    }

    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        id.Length == 0 ? throw new ArgumentException("id must not be empty", nameof(id)) : Task.FromResult(id == "base");

    public Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>([["Backing Filesystem", "extfs"]]);

    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["MergedDir"] = $"/layers/{id}/merged" });

    public Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken) =>
        throw new NotImplementedException("diff is not supported by the test driver");

    public Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FileChange>>([new FileChange("/etc/hosts", ChangeKind.Modify)]);

    public async Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diff);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16384];
        long total = 0;
        int read;
        while ((read = await diff.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            total += read;
        }
        AppliedDiffSha256 = Convert.ToHexString(sha.GetHashAndReset());
        return total;
    }

    public Task<Berth.Sdk.Storage.LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken) =>
        Task.FromResult(new Berth.Sdk.Storage.LayerDigest("sha256:" + new string('0', 64), new FileInfo(path).Length));

    public Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken) => Task.FromResult(0L);

    public void Dispose() => Disposed = true;
}

/// <summary>A plugin object that implements no Berth contract.</summary>
internal sealed class NotADriver
{
    public override string ToString() => "not a driver";
}
