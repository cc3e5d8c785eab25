using System.Text.Json;
using Berth.Kernel.Api.Cluster;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster.Api;

public class ServiceNetworksTests
{
    private static readonly Dictionary<string, string> Local = new() { ["backend"] = "backend", ["0123456789ab"] = "backend" };

    private static string NameOf(string target) =>
        Local.TryGetValue(target, out var name) ? name : throw BerthException.NotFound($"network {target} not found");

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Test]
    public void Resolve_IdOfALocalNetwork_StoredAsItsName()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"Networks":[{"Target":"0123456789ab","Aliases":["db"]}]}}""");

        var resolved = ServiceNetworks.Resolve(spec, NameOf);

        var attachment = resolved.GetProperty("TaskTemplate").GetProperty("Networks")[0];
        Assert.That(attachment.GetProperty("Target").GetString(), Is.EqualTo("backend"));
        Assert.That(attachment.GetProperty("Aliases")[0].GetString(), Is.EqualTo("db"));
    }

    [Test]
    public void Resolve_UnknownNetwork_NotFound()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"Networks":[{"Target":"nosuch"}]}}""");

        var e = Assert.Throws<BerthException>(() => ServiceNetworks.Resolve(spec, NameOf));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(e.Message, Is.EqualTo("network nosuch not found"));
    }

    [Test]
    public void Resolve_NoNetworks_SpecUnchanged()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb"}}}""");

        var resolved = ServiceNetworks.Resolve(spec, _ => throw new InvalidOperationException("not asked"));

        Assert.That(resolved.GetRawText(), Is.EqualTo(spec.GetRawText()));
    }
}
