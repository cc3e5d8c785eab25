using System.Text;
using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Storage;

// Berth.Sdk.Storage makes Linux system calls: so does this driver.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: BerthPlugin(typeof(Berth.Examples.Vfs.VfsDriver))]

namespace Berth.Examples.Vfs;

/// <summary>
/// A copy-based graph driver, as Docker's vfs: every layer is a full copy of its parent's tree, so it needs no
/// overlayfs and no mounts (Get answers the layer's directory), and pays for it in disk space and create time.
/// Diffs compare a layer with its parent file by file (<see cref="CopyLayers"/>).
/// </summary>
public sealed class VfsDriver(PluginContext context) : IGraphDriver
{
    private const string HomeFile = "init-home";

    private readonly Lock gate = new();
    private Task<VfsLayers>? layers;

    /// <summary>
    /// berthd sends Init, naming the home (<c>&lt;data-root&gt;/vfs</c>), to each new plugin process before its first call;
    /// the home is also kept in the plugin's own state directory, so the layers open before Init arrives.
    /// </summary>
    public async Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Opts.Count > 0) throw BerthException.Invalid($"vfs: unknown storage option(s): {string.Join(", ", request.Opts)}");
        if (request.UidMaps.Count > 0 || request.GidMaps.Count > 0) throw BerthException.NotImplemented("vfs: user namespace remapping is not supported");
        var home = string.IsNullOrEmpty(request.Home) ? Path.Combine(context.Root, "vfs") : request.Home;
        await AtomicFile.WriteAllBytesAsync(Path.Combine(context.Root, HomeFile), Encoding.UTF8.GetBytes(home), cancellationToken);
        lock (gate)
        {
            layers = Task.Run(() => VfsLayers.Open(home), CancellationToken.None);
        }
        await layers;
    }

    public Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GraphDriverCapabilities(ReproducesExactDiffs: false));

    public async Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken)
    {
        var current = await LayersAsync();
        return [["Home", current.Home], ["Layers", current.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)]];
    }

    public async Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.StorageOpt is { Count: > 0 })
            throw BerthException.Invalid($"vfs: --storage-opt is not supported: {string.Join(", ", request.StorageOpt.Keys)}");
        await (await LayersAsync()).CreateAsync(request.Id, string.IsNullOrEmpty(request.Parent) ? null : request.Parent, cancellationToken);
    }

    public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) =>
        CreateAsync(request, cancellationToken);

    public async Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        (await LayersAsync()).Remove(id);

    /// <summary>Nothing to mount: the layer's directory is its root file system.</summary>
    public async Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken) =>
        (await LayersAsync()).Require(id);

    public Task PutAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        (await LayersAsync()).Exists(id);

    public async Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken) =>
        new Dictionary<string, string> { ["Dir"] = (await LayersAsync()).Require(id) };

    public Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The layer tar of what differs from the parent, streamed while it is written.</summary>
    public async Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var (layer, below) = await PairAsync(id, parent);
        return WrittenStream.Start((output, ct) => CopyLayers.WriteDiffAsync(layer, CopyLayers.Changes(layer, below), output, ct));
    }

    public async Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var (layer, below) = await PairAsync(id, parent);
        return await Task.Run(() => CopyLayers.Changes(layer, below), cancellationToken);
    }

    public async Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken)
    {
        var layer = (await LayersAsync()).Require(id);
        return (await LayerTarApplier.ApplyAsync(diff, layer, WhiteoutFormat.Delete, cancellationToken)).Size;
    }

    public async Task<LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken)
    {
        var layer = (await LayersAsync()).Require(id);
        if (!File.Exists(path)) throw BerthException.NotFound($"vfs: layer blob {path} does not exist");
        await using var blob = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return await LayerTarApplier.ApplyAsync(blob, layer, WhiteoutFormat.Delete, cancellationToken);
    }

    public async Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var (layer, below) = await PairAsync(id, parent);
        return await Task.Run(() => CopyLayers.DiffSize(layer, below), cancellationToken);
    }

    private async Task<(string Layer, string? Parent)> PairAsync(string id, string? parent)
    {
        var current = await LayersAsync();
        return (current.Require(id), string.IsNullOrEmpty(parent) ? null : current.Require(parent));
    }

    private Task<VfsLayers> LayersAsync()
    {
        lock (gate)
        {
            if (layers is null || layers.IsFaulted) layers = Task.Run(OpenRememberedHome, CancellationToken.None);
            return layers;
        }
    }

    /// <summary>The home an earlier Init named, for a process berthd restarted; the plugin's own root if there was none.</summary>
    private VfsLayers OpenRememberedHome()
    {
        var remembered = Path.Combine(context.Root, HomeFile);
        return VfsLayers.Open(File.Exists(remembered) ? File.ReadAllText(remembered).Trim() : Path.Combine(context.Root, "vfs"));
    }
}
