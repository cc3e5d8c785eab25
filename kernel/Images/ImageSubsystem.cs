using Berth.Kernel.Config;
using Berth.Kernel.Events;
using Berth.Kernel.Images.Archive;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Import;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.Pull;
using Berth.Kernel.Images.Push;
using Berth.Kernel.Images.Store;
using Berth.Kernel.Plugins;
using Berth.Sdk;
using Berth.Sdk.Snapshots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Berth.Kernel.Images;

/// <summary>
/// Loads the image metadata under <c>&lt;data-root&gt;/image</c> at start (dropping what a crash left half-made) and
/// registers the image services; the storage plugin is reached lazily, through the driver selection.
/// </summary>
public sealed class ImageSubsystem
{
    private readonly DaemonConfig config;
    private readonly ContentStore content;
    private readonly LayerStore layers;
    private readonly ImageStore images;
    private readonly ReferenceStore references;
    private StorageDriver? storage;

    private ImageSubsystem(DaemonConfig config, ContentStore content, LayerStore layers, ImageStore images, ReferenceStore references)
    {
        this.config = config;
        this.content = content;
        this.layers = layers;
        this.images = images;
        this.references = references;
    }

    public static string ImageRoot(DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Path.Combine(config.DataRoot, "image");
    }

    public static async Task<ImageSubsystem> LoadAsync(DaemonConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var root = ImageRoot(config);
        var content = new ContentStore(Path.Combine(root, "content"));
        content.RemoveLeftovers();
        ImageSubsystem? subsystem = null;
        var layers = await LayerStore.LoadAsync(Path.Combine(root, "layers"), () => subsystem!.Snapshotter, cancellationToken).ConfigureAwait(false);
        var images = await ImageStore.LoadAsync(Path.Combine(root, "images"), content, layers, cancellationToken).ConfigureAwait(false);
        var references = await ReferenceStore.LoadAsync(Path.Combine(root, "repositories.json"), cancellationToken).ConfigureAwait(false);
        subsystem = new ImageSubsystem(config, content, layers, images, references);
        subsystem.CollectUnusedBlobs();
        return subsystem;
    }

    /// <summary>Blobs of pulls or loads that failed before their image was registered: nothing names them any more.</summary>
    private void CollectUnusedBlobs()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images.All) keep.Add(image.Id);
        foreach (var layer in layers.All) foreach (var blob in layer.Blobs) keep.Add(blob.Digest);
        foreach (var name in references.All.Keys)
            if (References.ImageReference.TryParse(name, out var reference) && reference.Digest is not null) keep.Add(reference.Digest);
        var removed = content.RemoveAllExcept(keep);
        if (removed > 0) Serilog.Log.Information("removed {Count} blobs no image or layer uses", removed);
    }

    /// <summary>The selected storage plugin, as a snapshotter (container layers are snapshots too).</summary>
    public ISnapshotter Snapshotter =>
        storage?.Snapshotter ?? throw BerthException.Unavailable("the storage driver is not ready yet");

    public void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(content);
        services.AddSingleton(layers);
        services.AddSingleton(images);
        services.AddSingleton(references);
        services.AddSingleton(this);
        services.TryAddSingleton<IImageUsage, NoContainers>();
        services.AddSingleton(sp => new ImageService(content, layers, images, references,
            sp.GetRequiredService<EventsService>(), sp.GetRequiredService<IImageUsage>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RegistryClient(new RegistryOptions(config.InsecureRegistries), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ImageImporter>();
        services.AddSingleton<ImageLoader>();
        services.AddSingleton<ImageSaver>();
        services.AddSingleton<ImagePuller>();
        services.AddSingleton(sp => new PushableBlobs(content, layers));
        services.AddSingleton<ImagePusher>();
        services.AddSingleton<Plugins.Registry.PluginDistribution>();
    }

    /// <summary>Connects the image store to the selected storage plugin, then reclaims snapshots a crash left behind.</summary>
    public async Task ConnectAsync(PluginManager plugins, DriverSelection selection, TimeProvider time, CancellationToken cancellationToken)
    {
        storage = await StorageDriver.CreateAsync(plugins, selection, config.DataRoot, ImageRoot(config), time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes extraction snapshots older than this start: a pull or load that died with the daemon or the plugin left them.</summary>
    public async Task ReclaimAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        try
        {
            var leftovers = await Snapshotter.WalkAsync(["kind==active"], cancellationToken).ConfigureAwait(false);
            foreach (var snapshot in leftovers.Where(s => s.Name.StartsWith("extract-", StringComparison.Ordinal) && s.Created < startedAt))
            {
                await Snapshotter.RemoveAsync(snapshot.Name, cancellationToken).ConfigureAwait(false);
                Serilog.Log.Information("removed the unfinished layer snapshot {Key}", snapshot.Name);
            }
        }
        catch (Exception ex) when (ex is BerthException or IOException)
        {
            Serilog.Log.Warning("could not reclaim unfinished layer snapshots: {Message}", ex.Message);
        }
    }
}
