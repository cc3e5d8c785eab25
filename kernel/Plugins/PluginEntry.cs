using Berth.Sdk.Hosting.Packages;

namespace Berth.Kernel.Plugins;

/// <summary>One row of the registry: the record on disk, its active package (null if broken), and its supervisor while enabled.</summary>
public sealed record PluginEntry(InstalledPlugin Plugin, PluginPackage? Package, string? Error, PluginSupervisor? Supervisor)
{
    public bool Implements(string kind) => Package?.Protocols.Any(p => p.Kind == kind) ?? false;

    /// <summary>Answers to its name, its bare name (<c>json-log</c>) or a Docker alias (<c>json-file</c>).</summary>
    public bool AnswersTo(string driverName) =>
        Plugin.Name == driverName
        || PluginNames.Repository(Plugin.Name) == driverName
        || (Package?.Aliases.Contains(driverName, StringComparer.Ordinal) ?? false);

    /// <summary>The name Docker users know the driver by: its first alias, else its bare name.</summary>
    public string DriverName => Package?.Aliases.FirstOrDefault() ?? PluginNames.Repository(Plugin.Name);
}
