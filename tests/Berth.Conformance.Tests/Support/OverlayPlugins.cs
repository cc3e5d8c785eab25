using Berth.Plugins.Overlay;
using Berth.Sdk;

namespace Berth.Conformance.Tests.Support;

/// <summary>Builds the overlay plugin in process, as berth-plugin-host would, over a root the kit made.</summary>
internal static class OverlayPlugins
{
    public static OverlayPlugin Create(string root) =>
        new(new PluginContext("overlay", root, new Dictionary<string, string>(), new NullKernelHost(root), TestContext.Out));
}
