using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>An activated v1 plugin: its client and what <c>Plugin.Activate</c> said it implements.</summary>
public sealed record V1Plugin(V1PluginClient Client, IReadOnlySet<string> Implements)
{
    public string Name => Client.Name;

    /// <exception cref="BerthException">The plugin does not implement <paramref name="iface"/> (404, as moby's "does not implement the requested driver").</exception>
    public V1PluginClient Require(string iface) => Implements.Contains(iface)
        ? Client
        : throw BerthException.NotFound($"plugin \"{Name}\" found at {Client.Address.FoundAt} but it does not implement {iface} (it implements: {Listed()})");

    private string Listed() => Implements.Count == 0 ? "nothing" : string.Join(", ", Implements.Order(StringComparer.Ordinal));
}
