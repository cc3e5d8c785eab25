using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Containers;

/// <summary>
/// One container: its immutable creation facts and a state that changes under <see cref="Gate"/>. Config and
/// HostConfig keep the Engine API's shapes (merged with the image's defaults at create), so inspect returns what the
/// client sent, field for field.
/// </summary>
public sealed class Container
{
    public required string Id { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string ImageId { get; init; }
    public required JsonObject Config { get; init; }
    public required string Driver { get; init; }
    public required string LogPath { get; init; }

    /// <summary>Serialises state changes (start, stop, exit handling, remove) of this container.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string Name { get; set; } = "";
    public JsonObject HostConfig { get; set; } = [];
    public ContainerState State { get; set; } = new();
    public IReadOnlyList<MountPoint> Mounts { get; set; } = [];

    /// <summary>NetworkSettings.Networks: network name → Docker's EndpointSettings (addresses filled while running).</summary>
    public JsonObject Networks { get; set; } = [];

    /// <summary>NetworkSettings.Ports while running: "80/tcp" → host bindings (null for an exposed port not published).</summary>
    public JsonObject Ports { get; set; } = [];
    public int RestartCount { get; set; }
    public bool HasBeenStartedBefore { get; set; }
    public bool HasBeenManuallyStopped { get; set; }
    public bool RemovalInProgress { get; set; }

    /// <summary>The process the container runs: Entrypoint then Cmd.</summary>
    public IReadOnlyList<string> Command
    {
        get
        {
            return [.. JsonRead.Strings(Config, "Entrypoint"), .. JsonRead.Strings(Config, "Cmd")];
        }
    }

    public string Path => Command.Count > 0 ? Command[0] : "";
    public IReadOnlyList<string> Args => Command.Count > 1 ? Command.Skip(1).ToList() : [];
    public string ImageName => Config["Image"]?.GetValue<string>() ?? ImageId;
    public bool Tty => Config["Tty"]?.GetValue<bool>() ?? false;
    public string ShortId => Id[..12];
    public string NetworkMode => HostConfig["NetworkMode"]?.GetValue<string>() ?? "default";
    public string RuntimeName => HostConfig["Runtime"]?.GetValue<string>() ?? "";

    public IReadOnlyDictionary<string, string> Labels =>
        Config["Labels"] is JsonObject labels
            ? labels.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
}
