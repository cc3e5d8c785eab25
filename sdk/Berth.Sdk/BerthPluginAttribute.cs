namespace Berth.Sdk;

/// <summary>
/// Registers a plugin in one place: <c>[assembly: BerthPlugin(typeof(MyDriver))]</c>.
/// The type implements one or more driver contracts and has a public constructor taking
/// <see cref="PluginContext"/> (or none). The plugin host serves every contract it implements.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class BerthPluginAttribute(Type pluginType) : Attribute
{
    public Type PluginType { get; } = pluginType;
}

/// <summary>What a plugin receives when the host constructs it.</summary>
/// <param name="Name">Installed plugin name.</param>
/// <param name="Root">State directory owned by the plugin.</param>
/// <param name="Settings">Env settings (Docker's plugin settings).</param>
/// <param name="Kernel">Calls back into berthd.</param>
/// <param name="Log">The plugin's log; it reaches the daemon log tagged with the plugin's name.</param>
public sealed record PluginContext(
    string Name,
    string Root,
    IReadOnlyDictionary<string, string> Settings,
    Kernel.IKernelHost Kernel,
    TextWriter Log);
