using Berth.Plugins.Overlay;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests.Support;

/// <summary>Builds the overlay plugin in process, as berth-plugin-host would, over a root the kit made.</summary>
internal static class OverlayPlugins
{
    public static OverlayPlugin Create(string root) =>
        new(ConformanceKernelHost.Context("overlay", root));
}
