using Berth.Sdk;
using Berth.Sdk.GraphDriver;

[assembly: BerthPlugin(typeof(Berth.TestPlugins.Hanging.HangingPlugin))]

namespace Berth.TestPlugins.Hanging;

/// <summary>A graph driver whose Status never answers (and ignores cancellation): a call to it must time out, nothing else may hang.</summary>
public sealed class HangingPlugin : IGraphDriver
{
    private static readonly TaskCompletionSource Never = new();

    // A careless plugin writing to stdout: the host must keep this out of the protocol and put it in the daemon log.
    public HangingPlugin() => Console.WriteLine("hanging plugin constructed (written to stdout)");

    public async Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken)
    {
        await Never.Task.ConfigureAwait(false);
        return [];
    }

    public Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new GraphDriverCapabilities(false));
    public Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task RemoveAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken) => Task.FromResult("/");
    public Task PutAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) => Task.FromResult(false);
    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
    public Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken) => Task.FromResult<Stream>(Stream.Null);
    public Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<FileChange>>([]);
    public Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken) => Task.FromResult(0L);
    public Task<Berth.Sdk.Storage.LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken) => Task.FromResult(new Berth.Sdk.Storage.LayerDigest("", 0));
    public Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken) => Task.FromResult(0L);
}
