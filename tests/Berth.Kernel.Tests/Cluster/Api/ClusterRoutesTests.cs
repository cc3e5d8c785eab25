using System.Text.Json;
using Berth.Kernel.Api.Cluster;
using Berth.Kernel.Tests.Cluster.Fakes;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster.Api;

public class ClusterRoutesTests
{
    private MembershipHarness h = null!;

    [SetUp]
    public async Task SetUp() => h = await new MembershipHarness().MemberAsync();

    [TearDown]
    public void TearDown() => h.Dispose();

    [Test]
    public async Task CreateService_Spec_PassesItThroughAndAnswers201WithIdAndWarnings()
    {
        var context = RouteContext.Create(h.Membership, body: """{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"nginx"}}}""");

        await ServiceRoutes.CreateAsync(context);

        Assert.That(context.Response.StatusCode, Is.EqualTo(201));
        Assert.That(RouteContext.Body(context), Is.EqualTo("""{"ID":"new1","Warnings":[]}"""));
        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Create services" }));
        Assert.That(h.Backend.LastJson!.Value.GetProperty("Name").GetString(), Is.EqualTo("web"));
    }

    [TestCase("", false)]
    [TestCase("status=false", false)]
    [TestCase("status=true", true)]
    [TestCase("status=1", true)]
    public async Task ListServices_StatusParameter_KeepsServiceStatusOnlyWhenAsked(string query, bool kept)
    {
        h.Backend.ListAnswer = JsonDocument.Parse("""[{"ID":"s1","ServiceStatus":{"RunningTasks":1,"DesiredTasks":1,"CompletedTasks":0}}]""").RootElement;
        var context = RouteContext.Create(h.Membership, query);

        await ServiceRoutes.ListAsync(context);

        Assert.That(RouteContext.Json(context)[0].TryGetProperty("ServiceStatus", out _), Is.EqualTo(kept));
    }

    [Test]
    public async Task ListServices_StatusOnApiBefore141_IsIgnored()
    {
        h.Backend.ListAnswer = JsonDocument.Parse("""[{"ID":"s1","ServiceStatus":{"RunningTasks":1}}]""").RootElement;
        var context = RouteContext.Create(h.Membership, "status=true", apiVersion: new Version(1, 40));

        await ServiceRoutes.ListAsync(context);

        Assert.That(RouteContext.Json(context)[0].TryGetProperty("ServiceStatus", out _), Is.False);
    }

    [Test]
    public async Task ListServices_Filters_NormalisedAndRuntimeContainerDropped()
    {
        var context = RouteContext.Create(h.Membership, "filters=" + Uri.EscapeDataString("""{"name":{"web":true},"runtime":["container"]}"""));

        await ServiceRoutes.ListAsync(context);

        Assert.That(h.Backend.LastJson!.Value.GetRawText(), Is.EqualTo("""{"name":["web"]}"""));
    }

    [Test]
    public async Task ListServices_PluginRuntimeFilter_AnswersNothing()
    {
        var context = RouteContext.Create(h.Membership, "filters=" + Uri.EscapeDataString("""{"runtime":["plugin"]}"""));

        await ServiceRoutes.ListAsync(context);

        Assert.That(RouteContext.Body(context), Is.EqualTo("[]"));
        Assert.That(h.Backend.Calls, Is.Empty);
    }

    [Test]
    public void UpdateService_NoVersion_BadRequestBeforeTheBackend()
    {
        var context = RouteContext.Create(h.Membership, body: """{"Name":"web"}""", id: "web");

        var error = Assert.ThrowsAsync<BerthException>(() => ServiceRoutes.UpdateAsync(context));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Is.EqualTo("invalid service version '': strconv.ParseUint: parsing \"\": invalid syntax"));
        Assert.That(h.Backend.Calls, Is.Empty);
    }

    [Test]
    public async Task UpdateService_Version_PassesVersionAndSpecAndAnswersWarnings()
    {
        var context = RouteContext.Create(h.Membership, "version=12&registryAuthFrom=spec", """{"Name":"web"}""", id: "web");

        await ServiceRoutes.UpdateAsync(context);

        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "UpdateObject services web 12" }));
        Assert.That(h.Backend.LastJson!.Value.GetRawText(), Is.EqualTo("""{"Name":"web"}"""));
        Assert.That(RouteContext.Body(context), Is.EqualTo("""{"Warnings":[]}"""));
    }

    [Test]
    public async Task UpdateService_RollbackPrevious_SendsTheRollbackRequest()
    {
        var context = RouteContext.Create(h.Membership, "version=12&rollback=previous", """{"Name":"web"}""", id: "web");

        await ServiceRoutes.UpdateAsync(context);

        Assert.That(h.Backend.LastJson!.Value.GetRawText(), Is.EqualTo("""{"Rollback":"previous","Spec":{"Name":"web"}}"""));
    }

    [Test]
    public void UpdateService_BadRegistryAuthFrom_BadRequest()
    {
        var context = RouteContext.Create(h.Membership, "version=1&registryAuthFrom=elsewhere", "{}", id: "web");

        var error = Assert.ThrowsAsync<BerthException>(() => ServiceRoutes.UpdateAsync(context));

        Assert.That(error!.Message, Is.EqualTo("invalid registryAuthFrom 'elsewhere'"));
    }

    [Test]
    public void GetService_BadInsertDefaults_BadRequest()
    {
        var context = RouteContext.Create(h.Membership, "insertDefaults=sure", id: "web");

        var error = Assert.ThrowsAsync<BerthException>(() => ServiceRoutes.GetAsync(context));

        Assert.That(error!.Message, Does.StartWith("invalid value for insertDefaults: sure"));
    }

    [Test]
    public async Task UpdateSwarm_VersionAndRotationFlags_ReachTheBackend()
    {
        var context = RouteContext.Create(h.Membership, "version=5&rotateWorkerToken=true&rotateManagerUnlockKey=1", """{"Name":"default"}""");

        await SwarmRoutes.UpdateAsync(context);

        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Update 5 True False True" }));
        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public void UpdateSwarm_BadFlag_BadRequest()
    {
        var context = RouteContext.Create(h.Membership, "version=5&rotateWorkerToken=yes", "{}");

        var error = Assert.ThrowsAsync<BerthException>(() => SwarmRoutes.UpdateAsync(context));

        Assert.That(error!.Message, Is.EqualTo("invalid value for rotateWorkerToken: yes"));
    }

    [Test]
    public async Task InitSwarm_Request_AnswersTheNodeIdAsAJsonString()
    {
        var context = RouteContext.Create(h.Membership, body: """{"ListenAddr":"0.0.0.0:2377","DataPathPort":4789}""", apiVersion: new Version(1, 39));

        await SwarmRoutes.InitAsync(context);

        Assert.That(RouteContext.Body(context), Is.EqualTo("\"node1\""));
        Assert.That(h.Backend.LastJson!.Value.GetRawText(), Is.EqualTo("""{"ListenAddr":"0.0.0.0:2377"}"""));
    }

    [Test]
    public async Task UnlockKey_Backend_AnswersUnlockKeyObject()
    {
        var context = RouteContext.Create(h.Membership);

        await SwarmRoutes.UnlockKeyAsync(context);

        Assert.That(RouteContext.Body(context), Is.EqualTo("""{"UnlockKey":"SWMKEY-1-abc"}"""));
    }

    [Test]
    public async Task Unlock_Body_PassesTheKey()
    {
        var context = RouteContext.Create(h.Membership, body: """{"UnlockKey":"SWMKEY-1-xyz"}""");

        await SwarmRoutes.UnlockAsync(context);

        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Unlock SWMKEY-1-xyz" }));
    }

    [Test]
    public async Task UpdateNode_Version_PassesIt()
    {
        var context = RouteContext.Create(h.Membership, "version=7", """{"Availability":"drain"}""", id: "node2");

        await NodeRoutes.UpdateAsync(context);

        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "UpdateObject nodes node2 7" }));
    }

    [Test]
    public async Task RemoveNode_Force_PassesIt()
    {
        var context = RouteContext.Create(h.Membership, "force=1", id: "node2");

        await NodeRoutes.RemoveAsync(context);

        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Remove nodes node2 True" }));
    }

    [Test]
    public void ListNodes_NotInASwarm_ServiceUnavailableWithMobysMessage()
    {
        using var outside = new MembershipHarness();
        var context = RouteContext.Create(outside.Membership);

        var error = Assert.ThrowsAsync<BerthException>(() => NodeRoutes.ListAsync(context));

        Assert.That(error!.Kind.ToHttpStatus(), Is.EqualTo(503));
        Assert.That(outside.Backend.Calls, Is.Empty);
    }

    [Test]
    public async Task CreateSecret_Spec_Answers201WithOnlyTheId()
    {
        var context = RouteContext.Create(h.Membership, body: """{"Name":"token","Data":"YWJj"}""");

        await ClusterFileRoutes.CreateAsync(context, "secrets", "secret", new Version(1, 25));

        Assert.That(context.Response.StatusCode, Is.EqualTo(201));
        Assert.That(RouteContext.Body(context), Is.EqualTo("""{"ID":"new1"}"""));
        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Create secrets" }));
    }

    [Test]
    public void CreateConfig_TemplatingOnOldApi_BadRequest()
    {
        var context = RouteContext.Create(h.Membership, body: """{"Name":"c","Templating":{"Name":"golang"}}""", apiVersion: new Version(1, 36));

        var error = Assert.ThrowsAsync<BerthException>(() => ClusterFileRoutes.CreateAsync(context, "configs", "config", new Version(1, 30)));

        Assert.That(error!.Message, Is.EqualTo("config templating is not supported on the specified API version: 1.36"));
    }

    [Test]
    public void UpdateSecret_NoVersion_SaysInvalidSecretVersion()
    {
        var context = RouteContext.Create(h.Membership, body: "{}", id: "token");

        var error = Assert.ThrowsAsync<BerthException>(() => ClusterFileRoutes.UpdateAsync(context, "secrets", "secret", new Version(1, 25)));

        Assert.That(error!.Message, Is.EqualTo("invalid secret version"));
    }

    [Test]
    public void ListConfigs_ApiOlderThan130_BadRequest()
    {
        var context = RouteContext.Create(h.Membership, apiVersion: new Version(1, 29));

        var error = Assert.ThrowsAsync<BerthException>(() => ClusterFileRoutes.ListAsync(context, "configs", new Version(1, 30)));

        Assert.That(error!.Message, Does.EndWith("/configs requires minimum API version 1.30"));
    }

    [Test]
    public async Task RemoveSecret_Id_Answers204()
    {
        var context = RouteContext.Create(h.Membership, id: "token");

        await ClusterFileRoutes.RemoveAsync(context, "secrets", new Version(1, 25));

        Assert.That(context.Response.StatusCode, Is.EqualTo(204));
        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Remove secrets token False" }));
    }

    [Test]
    public void ReadBody_NotJson_BadRequest()
    {
        var error = Assert.Throws<BerthException>(() => ClusterBody.Parse("{nope"u8));

        Assert.That(error!.Message, Does.StartWith("invalid JSON"));
    }
}
