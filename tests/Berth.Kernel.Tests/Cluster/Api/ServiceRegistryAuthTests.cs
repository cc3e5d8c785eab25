using System.Text.Json;
using Berth.Kernel.Api.Cluster;

namespace Berth.Kernel.Tests.Cluster.Api;

public class ServiceRegistryAuthTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Test]
    public void Attach_Header_StoredInPullOptions()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"reg:5000/app"}}}""");

        var attached = ServiceRegistryAuth.Attach(spec, "eyJ1c2VybmFtZSI6ImEifQ==");

        var container = attached.GetProperty("TaskTemplate").GetProperty("ContainerSpec");
        Assert.That(container.GetProperty("PullOptions").GetProperty("RegistryAuth").GetString(), Is.EqualTo("eyJ1c2VybmFtZSI6ImEifQ=="));
        Assert.That(container.GetProperty("Image").GetString(), Is.EqualTo("reg:5000/app"));
    }

    [Test]
    public void Attach_PullOptionsInTheBodyWithoutHeader_Dropped()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"app","PullOptions":{"RegistryAuth":"forged"}}}}""");

        var attached = ServiceRegistryAuth.Attach(spec, null);

        Assert.That(attached.GetProperty("TaskTemplate").GetProperty("ContainerSpec").TryGetProperty("PullOptions", out _), Is.False);
    }
}
