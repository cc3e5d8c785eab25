using System.Text.Json;
using Berth.Kernel.Api.Cluster;

namespace Berth.Kernel.Tests.Cluster.Api;

public class ServiceDefaultsTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Test]
    public void Insert_SparseSpec_FilledAsSwarmkitInterpolates()
    {
        var service = Json("""{"ID":"s1","Spec":{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb"}},"Mode":{"Replicated":{"Replicas":1}}}}""");

        var spec = ServiceDefaults.Insert(service).GetProperty("Spec");

        var template = spec.GetProperty("TaskTemplate");
        Assert.That(template.GetProperty("ContainerSpec").GetProperty("StopGracePeriod").GetInt64(), Is.EqualTo(10_000_000_000));
        Assert.That(template.GetProperty("RestartPolicy").GetRawText(), Is.EqualTo("""{"Condition":"any","Delay":5000000000,"MaxAttempts":0}"""));
        Assert.That(spec.GetProperty("RollbackConfig").GetRawText(),
            Is.EqualTo("""{"Parallelism":1,"FailureAction":"pause","Monitor":5000000000,"MaxFailureRatio":0,"Order":"stop-first"}"""));
        Assert.That(spec.GetProperty("EndpointSpec").GetProperty("Mode").GetString(), Is.EqualTo("vip"));
    }

    [Test]
    public void Insert_ValuesGiven_Kept()
    {
        var service = Json("""{"Spec":{"TaskTemplate":{"ContainerSpec":{"StopGracePeriod":1},"RestartPolicy":{"Condition":"none"}},"UpdateConfig":{"Parallelism":0},"EndpointSpec":{"Mode":"dnsrr"}}}""");

        var spec = ServiceDefaults.Insert(service).GetProperty("Spec");

        Assert.That(spec.GetProperty("TaskTemplate").GetProperty("ContainerSpec").GetProperty("StopGracePeriod").GetInt64(), Is.EqualTo(1));
        Assert.That(spec.GetProperty("TaskTemplate").GetProperty("RestartPolicy").GetProperty("Condition").GetString(), Is.EqualTo("none"));
        Assert.That(spec.GetProperty("UpdateConfig").GetRawText(), Is.EqualTo("""{"Parallelism":0}"""));
        Assert.That(spec.GetProperty("EndpointSpec").GetProperty("Mode").GetString(), Is.EqualTo("dnsrr"));
    }
}
