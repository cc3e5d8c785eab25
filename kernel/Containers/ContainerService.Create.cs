using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Berth.Kernel.Names;
using Berth.Kernel.Networks;
using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>POST /containers/create: checks everything first, then reserves the name, prepares the container's
    /// snapshot and volumes and writes the record; any failure undoes what was done.</summary>
    public async Task<(Container Container, IReadOnlyList<string> Warnings)> CreateAsync(string? name, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var host = body["HostConfig"] as JsonObject ?? [];
        body.Remove("HostConfig");
        var networkingConfig = body["NetworkingConfig"] as JsonObject;
        body.Remove("NetworkingConfig");
        var config = body;
        var imageName = config["Image"]?.GetValue<string>();
        if (string.IsNullOrEmpty(imageName)) throw BerthException.Invalid("No image specified: the container config needs an Image");
        var image = images.TryResolve(imageName) ?? throw BerthException.NotFound($"No such image: {imageName}");
        var daemon = daemonConfig.Current;

        ContainerConfigMerge.Apply(config, image.Config.Config);
        HostConfigDefaults.Apply(host, daemon);
        var warnings = new List<string>(HostConfigValidator.Validate(host, HostSupport.Current));
        logs.Validate(HostConfigDefaults.LogDriver(host));
        OciRuntime.Resolve(daemon, host["Runtime"]?.GetValue<string>());
        var mounts = MountSpecParser.Parse(config, host);
        await networks.WhenReadyAsync(cancellationToken).ConfigureAwait(false);
        var containerNetworks = InitialNetworks(config, host, networkingConfig);
        if (host["NetworkMode"]?.GetValue<string>() == NetworkNames.Host && PublishedPorts.Requested(config, host).Count > 0)
            warnings.Add("Published ports are discarded when using host network mode");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        if (string.IsNullOrEmpty(config["Hostname"]?.GetValue<string>()))
            config["Hostname"] = host["NetworkMode"]?.GetValue<string>() == "host" ? Environment.MachineName : id[..12];
        var container = new Container
        {
            Id = id,
            Created = Now,
            ImageId = image.Id,
            Config = config,
            HostConfig = host,
            Driver = daemon.StorageDriver,
            LogPath = HostConfigDefaults.LogDriver(host) == "json-file" ? Path.Combine(store.DirectoryOf(id), id + "-json.log") : "",
            Name = string.IsNullOrEmpty(name) ? "" : NameRegistry.Validate(name),
            Networks = containerNetworks,
        };
        if (container.Command.Count == 0) throw BerthException.Invalid("No command specified");

        if (container.Name.Length == 0) container.Name = store.Names.GenerateUnique(id);
        else store.Names.Reserve(container.Name, id);
        var created = new List<string>();
        var prepared = false;
        try
        {
            await imageSubsystem.Snapshotter.PrepareAsync(id, image.ChainIds.Count > 0 ? image.ChainIds[^1] : null, null, cancellationToken).ConfigureAwait(false);
            prepared = true;
            container.Mounts = await CreateVolumesAsync(mounts, created, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(store.DirectoryOf(id));
            await SaveAsync(container, cancellationToken).ConfigureAwait(false);
            store.Add(container);
        }
        catch
        {
            store.Names.Release(container.Name);
            await UndoCreateAsync(id, prepared, created).ConfigureAwait(false);
            throw;
        }
        events.Publish(container, "create");
        return (container, warnings);
    }

    private async Task<IReadOnlyList<MountPoint>> CreateVolumesAsync(List<MountPoint> mounts, List<string> created, CancellationToken cancellationToken)
    {
        var result = new List<MountPoint>(mounts.Count);
        foreach (var mount in mounts)
        {
            if (mount.Type != "volume")
            {
                result.Add(mount);
                continue;
            }
            if (mount.Anonymous)
            {
                var volume = await volumes.CreateAnonymousAsync(cancellationToken).ConfigureAwait(false);
                created.Add(volume.Name);
                result.Add(mount with { Name = volume.Name, Source = volume.Mountpoint });
            }
            else
            {
                var existed = volumes.Find(mount.Name!) is not null;
                var volume = await volumes.GetOrCreateAsync(mount.Name!, mount.Driver, null, null, cancellationToken).ConfigureAwait(false);
                if (!existed) created.Add(volume.Name);
                result.Add(mount with { Source = volume.Mountpoint });
            }
        }
        return result;
    }

    private async Task UndoCreateAsync(string id, bool prepared, List<string> createdVolumes)
    {
        try
        {
            if (prepared) await imageSubsystem.Snapshotter.RemoveAsync(id, CancellationToken.None).ConfigureAwait(false);
            foreach (var volume in createdVolumes) await volumes.RemoveAsync(volume, force: true, CancellationToken.None).ConfigureAwait(false);
            var directory = store.DirectoryOf(id);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is BerthException or IOException)
        {
            Serilog.Log.Warning("undoing the failed create of {Id}: {Message}", id, ex.Message);
        }
    }
}
