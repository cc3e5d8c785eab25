using System.Text.Json.Serialization;

namespace Berth.Sdk.Hosting.Packages;

/// <summary>
/// A plugin package's config.json: Docker's managed-plugin config (the fields the CLI and a registry know)
/// plus a <c>berth</c> section naming the driver assembly and the package version.
/// </summary>
public sealed record PluginConfig
{
    public string? DockerVersion { get; init; }
    public string Description { get; init; } = "";
    public string Documentation { get; init; } = "";
    public PluginInterface Interface { get; init; } = new();
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public string WorkDir { get; init; } = "";
    public PluginUser User { get; init; } = new();
    public PluginNetwork Network { get; init; } = new();
    public PluginLinux Linux { get; init; } = new();
    public string PropagatedMount { get; init; } = "";
    public bool IpcHost { get; init; }
    public bool PidHost { get; init; }
    public IReadOnlyList<PluginMount> Mounts { get; init; } = [];
    public IReadOnlyList<PluginEnv> Env { get; init; } = [];
    public PluginArgs Args { get; init; } = new();

    [JsonPropertyName("berth")]
    public BerthSection? Berth { get; init; }
}

public sealed record PluginInterface
{
    public IReadOnlyList<string> Types { get; init; } = [];
    public string Socket { get; init; } = "";
    public string? ProtocolScheme { get; init; }
}

public sealed record PluginUser
{
    public uint UID { get; init; }
    public uint GID { get; init; }
}

public sealed record PluginNetwork
{
    public string Type { get; init; } = "";
}

public sealed record PluginLinux
{
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public bool AllowAllDevices { get; init; }
    public IReadOnlyList<PluginDevice> Devices { get; init; } = [];
}

public sealed record PluginDevice
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Settable { get; init; } = [];
    public string Path { get; init; } = "";
}

public sealed record PluginMount
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Settable { get; init; } = [];
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Type { get; init; } = "";
    public IReadOnlyList<string> Options { get; init; } = [];
}

public sealed record PluginEnv
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Settable { get; init; } = [];
    public string? Value { get; init; }
}

public sealed record PluginArgs
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Settable { get; init; } = [];
    public IReadOnlyList<string> Value { get; init; } = [];
}

/// <summary>Berth's own part of config.json.</summary>
/// <param name="Name">The plugin's default name (bundled packages are installed under it).</param>
/// <param name="Version">Package version (semantic, e.g. <c>1.0.0</c>).</param>
/// <param name="Assembly">Path of the driver assembly inside rootfs/.</param>
/// <param name="Aliases">Docker driver names this plugin answers to (e.g. <c>overlay2</c>).</param>
public sealed record BerthSection(string? Name, string? Version, string? Assembly, IReadOnlyList<string>? Aliases);
