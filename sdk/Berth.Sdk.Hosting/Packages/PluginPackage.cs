using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Sdk.Protocol;

namespace Berth.Sdk.Hosting.Packages;

/// <summary>A validated plugin package folder: <c>config.json</c> and <c>rootfs/</c>.</summary>
public sealed partial record PluginPackage(string Directory, PluginConfig Config, string Version, string AssemblyPath, IReadOnlyList<ProtocolId> Protocols)
{
    public const string ConfigFileName = "config.json";
    public const string RootfsDirectoryName = "rootfs";

    public IReadOnlyList<string> Aliases => Config.Berth?.Aliases ?? [];

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = null,
        // Docker's Go decoder matches field names case-insensitively; so do we.
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>
    /// Loads and validates a package. Throws <see cref="BerthException"/> (invalid parameter) with a message
    /// that says what is wrong: the config, the assembly, or a protocol major this kernel does not speak.
    /// </summary>
    /// <param name="supported">Protocol majors the caller speaks, by kind.</param>
    public static PluginPackage Load(string directory, IReadOnlyDictionary<string, int> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        var configPath = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(configPath))
            throw BerthException.Invalid($"plugin package {directory}: {ConfigFileName} is missing");

        PluginConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<PluginConfig>(File.ReadAllBytes(configPath), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"plugin package {directory}: {ConfigFileName} is not valid: {ex.Message}");
        }
        if (config is null)
            throw BerthException.Invalid($"plugin package {directory}: {ConfigFileName} is empty");
        return Validate(directory, config, supported);
    }

    public static PluginPackage Validate(string directory, PluginConfig config, IReadOnlyDictionary<string, int> supported)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(supported);
        string Fail(string what) => throw BerthException.Invalid($"plugin package {directory}: {ConfigFileName}: {what}");

        var berth = config.Berth ?? throw BerthException.Invalid(
            $"plugin package {directory}: {ConfigFileName} has no \"berth\" section (assembly, version): it is not a Berth plugin package");
        if (string.IsNullOrWhiteSpace(berth.Assembly)) Fail("berth.assembly is required");
        if (string.IsNullOrWhiteSpace(berth.Version) || !VersionPattern().IsMatch(berth.Version!))
            Fail($"berth.version \"{berth.Version}\" is not a version like 1.2.3");
        if (config.Interface.Types.Count == 0) Fail("Interface.Types lists no driver kind");

        var protocols = new List<ProtocolId>();
        foreach (var type in config.Interface.Types)
        {
            if (!ProtocolId.TryParse(type, out var id))
                Fail($"Interface.Types entry \"{type}\" is not a protocol like berth.logdriver/1.0");
            if (!supported.TryGetValue(id.Kind, out var major))
                Fail($"Interface.Types entry \"{type}\": unknown driver kind \"{id.Kind}\" (known: {string.Join(", ", supported.Keys.Order())})");
            if (id.Major != major)
                Fail($"Interface.Types entry \"{type}\": protocol major {id.Major} is not spoken by this berthd, which speaks {id.Kind}/{major}");
            protocols.Add(id);
        }

        var rootfs = Path.GetFullPath(Path.Combine(directory, RootfsDirectoryName));
        var assembly = Path.GetFullPath(Path.Combine(rootfs, berth.Assembly!.TrimStart('/')));
        if (!assembly.StartsWith(rootfs + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            Fail($"berth.assembly \"{berth.Assembly}\" points outside rootfs/");
        if (!File.Exists(assembly))
            throw BerthException.Invalid($"plugin package {directory}: the plugin assembly rootfs/{berth.Assembly!.TrimStart('/')} is missing");

        return new PluginPackage(directory, config, berth.Version!, assembly, protocols);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionPattern();
}
