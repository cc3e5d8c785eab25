using System.Net;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Logging;
using Berth.Sdk.Network;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Tests.Plugins.V1;

public sealed class V1PluginRegistryTests
{
    private readonly List<string> dirs = [];
    private readonly List<V1PluginRegistry> registries = [];

    private V1PluginRegistry Registry(params (string Name, FakeV1Plugin Plugin)[] plugins)
    {
        var (registry, dir) = FakeV1Plugin.Registry(plugins.ToDictionary(p => p.Name, p => p.Plugin));
        dirs.Add(dir);
        registries.Add(registry);
        return registry;
    }

    [Test]
    public async Task GetAsync_SeveralCalls_ActivatesOnce()
    {
        var plugin = new FakeV1Plugin("LogDriver").Reply("LogDriver.StopLogging", "{}");
        var registry = Registry(("foo", plugin));
        var logs = registry.Client<ILogDriver>(V1PluginRegistry.IdOf("foo"));

        await logs.StopLoggingAsync("/a", CancellationToken.None);
        await logs.StopLoggingAsync("/b", CancellationToken.None);

        Assert.That(plugin.Count("Plugin.Activate"), Is.EqualTo(1));
        Assert.That(plugin.Count("LogDriver.StopLogging"), Is.EqualTo(2));
    }

    [Test]
    public void FindDriverId_NotActivatedYet_DoesNotCallThePlugin()
    {
        var plugin = new FakeV1Plugin("LogDriver");
        var registry = Registry(("foo", plugin));

        Assert.That(registry.FindDriverId(Protocols.LogDriver, "foo"), Is.EqualTo("v1:foo"));
        Assert.That(plugin.Requests, Is.Empty, "activation is lazy: on the first call, not on lookup");
    }

    [Test]
    public async Task FindDriverId_ActivatedWithoutThatInterface_ReturnsNull()
    {
        var registry = Registry(("foo", new FakeV1Plugin("IpamDriver").Reply("IpamDriver.ReleasePool", "{}")));
        await registry.Client<IIpamDriver>("v1:foo").ReleasePoolAsync("p", CancellationToken.None);

        Assert.That(registry.FindDriverId(Protocols.LogDriver, "foo"), Is.Null);
        Assert.That(registry.FindDriverId(Protocols.Ipam, "foo"), Is.EqualTo("v1:foo"));
    }

    [Test]
    public void FindDriverId_UnknownNameOrKind_ReturnsNull()
    {
        var registry = Registry(("foo", new FakeV1Plugin("LogDriver")));

        Assert.That(registry.FindDriverId(Protocols.LogDriver, "bar"), Is.Null);
        Assert.That(registry.FindDriverId(Protocols.GraphDriver, "foo"), Is.Null);
    }

    [Test]
    public async Task GetAsync_PluginDoesNotImplementInterface_Throws404ListingWhatItImplements()
    {
        var registry = Registry(("foo", new FakeV1Plugin("VolumeDriver")));

        var ex = await Wait.ThrowsAsync<BerthException>(() => registry.Client<ILogDriver>("v1:foo").StopLoggingAsync("/a", CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(ex.Message, Does.StartWith("plugin \"foo\" found at ").And.EndWith("but it does not implement LogDriver (it implements: VolumeDriver)"));
    }

    [Test]
    public async Task GetAsync_ActivationFailed_IsRetriedOnNextUse()
    {
        var plugin = new FakeV1Plugin().Reply("Plugin.Activate", "{\"Err\":\"starting\"}", HttpStatusCode.ServiceUnavailable)
            .Reply("LogDriver.StopLogging", "{}");
        var registry = Registry(("foo", plugin));
        var logs = registry.Client<ILogDriver>("v1:foo");

        var ex = await Wait.ThrowsAsync<BerthException>(() => logs.StopLoggingAsync("/a", CancellationToken.None));
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        plugin.Reply("Plugin.Activate", "{\"Implements\":[\"LogDriver\"]}");
        await logs.StopLoggingAsync("/a", CancellationToken.None);

        Assert.That(plugin.Count("Plugin.Activate"), Is.EqualTo(2));
    }

    [Test]
    public async Task GetAsync_PluginGone_Throws404()
    {
        var (registry, dir) = FakeV1Plugin.Registry(new Dictionary<string, FakeV1Plugin> { ["foo"] = new FakeV1Plugin("LogDriver") });
        using var owned = registry;
        Directory.Delete(dir, recursive: true);

        var ex = await Wait.ThrowsAsync<BerthException>(() => registry.GetAsync("foo", V1Interfaces.LogDriver, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(ex.Message, Is.EqualTo("plugin \"foo\" not found"));
    }

    [Test]
    public void Client_ContractV1PluginsCannotServe_ThrowsNotImplemented()
    {
        var registry = Registry(("foo", new FakeV1Plugin("LogDriver")));

        var ex = Assert.Throws<BerthException>(() => registry.Client<Berth.Sdk.GraphDriver.IGraphDriver>("v1:foo"))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
    }

    [Test]
    public void IdOf_Name_IsRecognisedAndReversible()
    {
        Assert.That(V1PluginRegistry.IsV1Id(V1PluginRegistry.IdOf("foo")), Is.True);
        Assert.That(V1PluginRegistry.NameOf("v1:foo"), Is.EqualTo("foo"));
        Assert.That(V1PluginRegistry.IsV1Id(new string('a', 64)), Is.False);
    }

    [TearDown]
    public void RemoveRegistries()
    {
        foreach (var registry in registries) registry.Dispose();
        foreach (var dir in dirs.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
        registries.Clear();
        dirs.Clear();
    }
}
