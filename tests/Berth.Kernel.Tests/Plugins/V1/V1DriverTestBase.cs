using System.Text.Json;
using Berth.Kernel.Plugins.V1;

namespace Berth.Kernel.Tests.Plugins.V1;

/// <summary>One fake v1 plugin named <c>foo</c> behind a registry, removed after each test.</summary>
public abstract class V1DriverTestBase
{
    private V1PluginRegistry? registry;
    private string? dir;

    internal FakeV1Plugin Plugin { get; private set; } = null!;

    private protected T Driver<T>(params string[] implements) where T : class
    {
        Plugin = new FakeV1Plugin(implements);
        (registry, dir) = FakeV1Plugin.Registry(new Dictionary<string, FakeV1Plugin> { ["foo"] = Plugin });
        return registry.Client<T>("v1:foo");
    }

    private protected JsonElement Sent(string method) => JsonDocument.Parse(Plugin.Last(method).Body).RootElement;

    [TearDown]
    public void RemovePlugin()
    {
        registry?.Dispose();
        if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
