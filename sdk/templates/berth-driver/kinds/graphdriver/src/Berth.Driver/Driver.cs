using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Storage;

// Berth.Sdk.Storage makes Linux system calls: so does this driver.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The graph driver. As generated it keeps every layer as a full copy of its parent under the home berthd names in
/// Init (<c>&lt;data-root&gt;/&lt;driver name&gt;</c>) — works on any file system and passes the conformance kit — and
/// leaves the tar work to Berth.Sdk.Storage (<see cref="LayerTarApplier"/>, <see cref="CopyLayers"/>). Replace the
/// copies with your storage (snapshots of a copy-on-write file system, a block device per layer…) and run
/// `dotnet test` again. sdk/examples/vfs in the Berth repository is a fuller version (crash-safe creates and removes).
/// </summary>
public sealed class Driver(PluginContext context) : IGraphDriver
{
    private const string CreatingPrefix = ".creating-";
    private readonly string rememberedHome = Path.Combine(context.Root, "init-home");
    private string? home;

    /// <summary>Where the layers are: Init's home, remembered in the plugin's root for a restarted process.</summary>
    private string Home => home ??= File.Exists(rememberedHome) ? File.ReadAllText(rememberedHome).Trim() : Path.Combine(context.Root, "layers");

    /// <summary>
    /// berthd sends Init, naming the home, to each new plugin process before its first call (so it must accept a
    /// repeat). The home is also written down in the plugin's own root, so the layers can be found before Init arrives.
    /// </summary>
    public async Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Opts.Count > 0) throw BerthException.Invalid($"{context.Name}: unknown storage option(s): {string.Join(", ", request.Opts)}");
        var chosen = string.IsNullOrEmpty(request.Home) ? Path.Combine(context.Root, "layers") : request.Home;
        Directory.CreateDirectory(chosen);
        foreach (var unfinished in Directory.EnumerateDirectories(chosen, CreatingPrefix + "*"))
            Directory.Delete(unfinished, recursive: true); // a create a crash cut short
        Directory.CreateDirectory(context.Root);
        await File.WriteAllTextAsync(rememberedHome, chosen, cancellationToken);
        home = chosen;
    }

    public Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GraphDriverCapabilities(ReproducesExactDiffs: false));

    /// <summary>What <c>docker info</c> shows under the storage driver.</summary>
    public Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>([["Home", Home]]);

    public async Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.StorageOpt is { Count: > 0 }) throw BerthException.Invalid($"{context.Name}: --storage-opt is not supported");
        var parent = string.IsNullOrEmpty(request.Parent) ? null : Require(request.Parent);
        if (Directory.Exists(PathOf(request.Id))) throw BerthException.Conflict($"layer {request.Id} already exists");
        // Made under a temporary name and renamed: a crash leaves no half-copied layer under the real one.
        var creating = Directory.CreateDirectory(Path.Combine(Home, CreatingPrefix + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            if (parent is not null) await CopyLayers.CopyTreeAsync(parent, creating, cancellationToken);
            Directory.Move(creating, PathOf(request.Id));
        }
        catch
        {
            Directory.Delete(creating, recursive: true);
            throw;
        }
    }

    public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) =>
        CreateAsync(request, cancellationToken);

    /// <summary>Idempotent: berthd repeats a removal a crash interrupted.</summary>
    public Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (Directory.Exists(PathOf(id))) Directory.Delete(PathOf(id), recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The directory holding the layer's root file system (a copy needs no mount).</summary>
    public Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken) => Task.FromResult(Require(id));

    public Task PutAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Directory.Exists(PathOf(id)));

    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["Dir"] = Require(id) });

    public Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The layer tar of what differs from the parent, streamed while it is written.</summary>
    public Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var (layer, below) = (Require(id), ParentOf(parent));
        return Task.FromResult(WrittenStream.Start((output, ct) => CopyLayers.WriteDiffAsync(layer, CopyLayers.Changes(layer, below), output, ct)));
    }

    public Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken) =>
        Task.FromResult(CopyLayers.Changes(Require(id), ParentOf(parent)));

    public async Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken) =>
        (await LayerTarApplier.ApplyAsync(diff, Require(id), WhiteoutFormat.Delete, cancellationToken)).Size;

    public async Task<LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken)
    {
        var layer = Require(id);
        if (!File.Exists(path)) throw BerthException.NotFound($"layer blob {path} does not exist");
        await using var blob = File.OpenRead(path);
        return await LayerTarApplier.ApplyAsync(blob, layer, WhiteoutFormat.Delete, cancellationToken);
    }

    public Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken) =>
        Task.FromResult(CopyLayers.DiffSize(Require(id), ParentOf(parent)));

    private string PathOf(string id) =>
        string.IsNullOrEmpty(id) || id.Contains('/', StringComparison.Ordinal) || id.StartsWith('.')
            ? throw BerthException.Invalid($"invalid layer id \"{id}\"")
            : Path.Combine(Home, id);

    private string Require(string id) => Directory.Exists(PathOf(id)) ? PathOf(id) : throw BerthException.NotFound($"layer {id} does not exist");

    private string? ParentOf(string? parent) => string.IsNullOrEmpty(parent) ? null : Require(parent);
}
