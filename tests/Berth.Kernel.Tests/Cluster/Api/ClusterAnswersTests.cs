using System.Text.Json;
using Berth.Kernel.Api.Cluster;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster.Api;

public class ClusterAnswersTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private const string Services = """
        [{"ID":"s1","Spec":{"Name":"web"},"ServiceStatus":{"RunningTasks":1,"DesiredTasks":2,"CompletedTasks":0}},
         {"ID":"s2","Spec":{"Name":"db"},"ServiceStatus":{"RunningTasks":0,"DesiredTasks":1,"CompletedTasks":0}}]
        """;

    [Test]
    public void WithoutServiceStatus_StatusNotAsked_RemovesItFromEveryService()
    {
        var list = ClusterAnswers.WithoutServiceStatus(Json(Services), keepStatus: false);

        Assert.That(list.ToJsonString(), Is.EqualTo("""[{"ID":"s1","Spec":{"Name":"web"}},{"ID":"s2","Spec":{"Name":"db"}}]"""));
    }

    [Test]
    public void WithoutServiceStatus_StatusAsked_KeepsTheCounts()
    {
        var list = ClusterAnswers.WithoutServiceStatus(Json(Services), keepStatus: true);

        Assert.That(list[0]!["ServiceStatus"]!["DesiredTasks"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public void ServiceCreated_BackendWarningsNull_AnswersIdAndAnEmptyList()
    {
        Assert.That(ClusterAnswers.ServiceCreated(Json("""{"ID":"abc","Warnings":null}""")).ToJsonString(), Is.EqualTo("""{"ID":"abc","Warnings":[]}"""));
    }

    [Test]
    public void ServiceUpdated_BackendWarnings_AreKept()
    {
        Assert.That(ClusterAnswers.ServiceUpdated(Json("""{"Warnings":["unable to pin image"]}""")).ToJsonString(),
            Is.EqualTo("""{"Warnings":["unable to pin image"]}"""));
    }

    [Test]
    public void Created_SecretAnswer_IsOnlyTheId()
    {
        Assert.That(ClusterAnswers.Created(Json("""{"ID":"sec1","Warnings":null}""")).ToJsonString(), Is.EqualTo("""{"ID":"sec1"}"""));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("none")]
    public void ServiceUpdateRequest_NoRollback_IsTheSpecItself(string? rollback)
    {
        var spec = Json("""{"Name":"web"}""");

        Assert.That(ClusterAnswers.ServiceUpdateRequest(spec, rollback).GetRawText(), Is.EqualTo(spec.GetRawText()));
    }

    [Test]
    public void ServiceUpdateRequest_RollbackPrevious_WrapsTheSpec()
    {
        var request = ClusterAnswers.ServiceUpdateRequest(Json("""{"Name":"web"}"""), "previous");

        Assert.That(request.GetRawText(), Is.EqualTo("""{"Rollback":"previous","Spec":{"Name":"web"}}"""));
    }

    [Test]
    public void ServiceUpdateRequest_UnknownRollback_BadRequest()
    {
        var error = Assert.Throws<BerthException>(() => ClusterAnswers.ServiceUpdateRequest(Json("{}"), "next"));

        Assert.That(error!.Message, Is.EqualTo("unrecognized rollback option next"));
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public void AdjustServiceSpec_OldClientTopLevelNetworks_MovesThemIntoTheTaskTemplate()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"nginx"}},"Networks":[{"Target":"front"}]}""");

        var adjusted = ClusterAnswers.AdjustServiceSpec(spec, new Version(1, 43));

        Assert.That(adjusted.GetRawText(), Is.EqualTo("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"nginx"},"Networks":[{"Target":"front"}]}}"""));
    }

    [Test]
    public void AdjustServiceSpec_CurrentClient_PassesThrough()
    {
        var spec = Json("""{"Name":"web","Networks":[{"Target":"front"}]}""");

        Assert.That(ClusterAnswers.AdjustServiceSpec(spec, new Version(1, 50)).GetRawText(), Is.EqualTo(spec.GetRawText()));
    }
}
