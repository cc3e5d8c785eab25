using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Containers;

/// <summary>A container on disk, as Moby keeps it: <c>config.v2.json</c> (everything but HostConfig) and <c>hostconfig.json</c>, each written atomically.</summary>
public static class ContainerRecordFile
{
    public const string ConfigFile = "config.v2.json";
    public const string HostConfigFile = "hostconfig.json";

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static async Task SaveAsync(string directory, Container container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        Directory.CreateDirectory(directory);
        var state = container.State;
        var record = new JsonObject
        {
            ["ID"] = container.Id,
            ["Created"] = container.Created.UtcDateTime.ToString("O"),
            ["Image"] = container.ImageId,
            ["Name"] = container.Name,
            ["Driver"] = container.Driver,
            ["LogPath"] = container.LogPath,
            ["RestartCount"] = container.RestartCount,
            ["HasBeenStartedBefore"] = container.HasBeenStartedBefore,
            ["HasBeenManuallyStopped"] = container.HasBeenManuallyStopped,
            ["Config"] = container.Config.DeepClone(),
            ["State"] = JsonSerializer.SerializeToNode(state, Options),
            ["MountPoints"] = JsonSerializer.SerializeToNode(container.Mounts, Options),
            ["NetworkSettings"] = new JsonObject { ["Networks"] = container.Networks.DeepClone(), ["Ports"] = container.Ports.DeepClone() },
        };
        await AtomicFile.WriteAllBytesAsync(Path.Combine(directory, HostConfigFile),
            JsonSerializer.SerializeToUtf8Bytes(container.HostConfig, Options), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllBytesAsync(Path.Combine(directory, ConfigFile),
            JsonSerializer.SerializeToUtf8Bytes(record, Options), cancellationToken).ConfigureAwait(false);
    }

    /// <returns>The container, or null when the folder holds no complete record (a create that died half-way).</returns>
    public static async Task<Container?> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        var hostPath = Path.Combine(directory, HostConfigFile);
        if (!File.Exists(configPath) || !File.Exists(hostPath)) return null;
        var record = JsonNode.Parse(await File.ReadAllBytesAsync(configPath, cancellationToken).ConfigureAwait(false))!.AsObject();
        var host = JsonNode.Parse(await File.ReadAllBytesAsync(hostPath, cancellationToken).ConfigureAwait(false))!.AsObject();
        return new Container
        {
            Id = record["ID"]!.GetValue<string>(),
            Created = DateTimeOffset.Parse(record["Created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            ImageId = record["Image"]!.GetValue<string>(),
            Config = record["Config"]!.AsObject().DeepClone().AsObject(),
            Driver = record["Driver"]?.GetValue<string>() ?? "",
            LogPath = record["LogPath"]?.GetValue<string>() ?? "",
            Name = record["Name"]!.GetValue<string>(),
            HostConfig = host,
            RestartCount = record["RestartCount"]?.GetValue<int>() ?? 0,
            HasBeenStartedBefore = record["HasBeenStartedBefore"]?.GetValue<bool>() ?? false,
            HasBeenManuallyStopped = record["HasBeenManuallyStopped"]?.GetValue<bool>() ?? false,
            State = record["State"].Deserialize<ContainerState>(Options) ?? new ContainerState(),
            Mounts = record["MountPoints"].Deserialize<List<MountPoint>>(Options) ?? [],
            Networks = record["NetworkSettings"]?["Networks"]?.DeepClone() as JsonObject ?? [],
            Ports = record["NetworkSettings"]?["Ports"]?.DeepClone() as JsonObject ?? [],
        };
    }
}
