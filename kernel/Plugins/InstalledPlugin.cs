namespace Berth.Kernel.Plugins;

/// <summary>An installed plugin as recorded in <c>plugins/&lt;id&gt;/plugin.json</c>. Immutable; every change writes a new record.</summary>
/// <param name="Name">Normalized name, e.g. <c>json-log:latest</c>.</param>
/// <param name="ActiveVersion">The package version that serves (its folder is <c>versions/&lt;version&gt;</c>).</param>
/// <param name="PluginReference">Where the active package came from (a reference or <c>bundled</c>).</param>
/// <param name="Env">Settings as <c>KEY=value</c>.</param>
public sealed record InstalledPlugin(
    string Id,
    string Name,
    bool Enabled,
    string ActiveVersion,
    string PluginReference,
    IReadOnlyList<string> Env,
    DateTimeOffset Created);
