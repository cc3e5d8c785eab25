using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.Testing;

namespace Berth.Driver.Tests;

/// <summary>
/// What the conformance kit leaves to each backend: how services become the tasks berthd's agent runs on this node.
/// These check the generated one-node scheduler; change them with it.
/// </summary>
[TestFixture]
public sealed class SchedulingTests
{
    private static readonly JsonElement NoFilters = JsonSerializer.SerializeToElement(new Dictionary<string, string[]>());
    private string root = "";
    private Driver backend = null!;

    [SetUp]
    public async Task SetUp()
    {
        root = Directory.CreateTempSubdirectory("berth-driver-").FullName;
        backend = new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root));
        await backend.InitAsync(JsonSerializer.SerializeToElement(new { ListenAddr = "127.0.0.1:2377" }), CancellationToken.None);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task CreateService_ThreeReplicas_ATaskPerSlotAssignedToThisNode()
    {
        var id = await CreateServiceAsync("web", replicas: 3);

        var assignments = await backend.GetAssignmentsAsync("", CancellationToken.None);

        Assert.That(assignments.Tasks.Select(t => t.GetProperty("Slot").GetInt64()).Order(), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(assignments.Tasks.Select(t => (t.GetProperty("ServiceID").GetString(), t.GetProperty("NodeID").GetString())).Distinct(),
            Is.EqualTo(new[] { (id, assignments.NodeId) }));
        Assert.That(assignments.ServiceNames[id], Is.EqualTo("web"));
    }

    [Test]
    public async Task GetAssignments_KnownRevision_AnswersWhenAServiceIsCreated()
    {
        var before = await backend.GetAssignmentsAsync("", CancellationToken.None);
        var waiting = backend.GetAssignmentsAsync(before.Revision, CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False, "nothing changed yet");

        await CreateServiceAsync("late", replicas: 1);

        var after = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((after.Revision != before.Revision, after.Tasks.Count), Is.EqualTo((true, 1)));
    }

    [Test]
    public async Task UpdateService_FewerReplicasThenRemoved_TasksLeaveTheAssignments()
    {
        var id = await CreateServiceAsync("shrinking", replicas: 3);
        var service = await backend.GetAsync("services", id, CancellationToken.None);
        var spec = ServiceSpec("shrinking", replicas: 1);

        await backend.UpdateObjectAsync("services", id, Version(service), spec, CancellationToken.None);
        var shrunk = await backend.GetAssignmentsAsync("", CancellationToken.None);
        await backend.RemoveAsync("services", id, force: false, CancellationToken.None);
        var removed = await backend.GetAssignmentsAsync("", CancellationToken.None);

        Assert.That(shrunk.Tasks.Select(t => t.GetProperty("Slot").GetInt64()), Is.EqualTo(new long[] { 1 }));
        Assert.That(removed.Tasks, Is.Empty, "berthd's agent removes the containers of tasks that leave");
    }

    [Test]
    public async Task UpdateService_NewImage_TaskReplacedInItsSlot()
    {
        var id = await CreateServiceAsync("web", replicas: 1);
        var before = (await backend.GetAssignmentsAsync("", CancellationToken.None)).Tasks.Single();

        await UpdateServiceAsync(id, ServiceSpec("web", replicas: 1, image: "busybox:1.36"));

        var after = (await backend.GetAssignmentsAsync("", CancellationToken.None)).Tasks.Single();
        Assert.That(after.GetProperty("ID").GetString(), Is.Not.EqualTo(before.GetProperty("ID").GetString()));
        Assert.That((after.GetProperty("Slot").GetInt64(), after.GetProperty("Spec").GetProperty("ContainerSpec").GetProperty("Image").GetString()), Is.EqualTo((1L, "busybox:1.36")));
    }

    [Test]
    public async Task Rollback_AfterAnUpdate_PreviousSpecBack()
    {
        var id = await CreateServiceAsync("web", replicas: 1);
        await UpdateServiceAsync(id, ServiceSpec("web", replicas: 3));
        var current = await backend.GetAsync("services", id, CancellationToken.None);
        var rollback = JsonSerializer.SerializeToElement(new { Rollback = "previous", Spec = current.GetProperty("Spec") });

        await backend.UpdateObjectAsync("services", id, Version(current), rollback, CancellationToken.None);

        Assert.That((await backend.GetAssignmentsAsync("", CancellationToken.None)).Tasks, Has.Count.EqualTo(1), "docker service rollback sends the wrapper berthd makes");
    }

    [Test]
    public async Task ListTasks_UpToDateFilterOfTheCliProgressMonitor_Accepted()
    {
        var id = await CreateServiceAsync("web", replicas: 2);
        var filters = JsonSerializer.SerializeToElement(new Dictionary<string, string[]> { ["service"] = [id], ["_up-to-date"] = ["true"] });

        var tasks = await backend.ListAsync("tasks", filters, CancellationToken.None);

        Assert.That(tasks.GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task RegistryCredentials_NeverShownAndKeptByAnUpdateWithout()
    {
        var spec = JsonNode.Parse(ServiceSpec("private", replicas: 1).GetRawText())!;
        spec["TaskTemplate"]!["ContainerSpec"]!["PullOptions"] = new JsonObject { ["RegistryAuth"] = "c2VjcmV0" };
        var id = (await backend.CreateAsync("services", JsonSerializer.SerializeToElement(spec), CancellationToken.None)).GetProperty("ID").GetString()!;

        await UpdateServiceAsync(id, ServiceSpec("private", replicas: 1));

        var shown = (await backend.GetAsync("services", id, CancellationToken.None)).GetRawText() + (await backend.ListAsync("tasks", NoFilters, CancellationToken.None)).GetRawText();
        var assigned = (await backend.GetAssignmentsAsync("", CancellationToken.None)).Tasks.Single();
        Assert.That(shown, Does.Not.Contain("c2VjcmV0"), "inspect and task lists never show them");
        Assert.That(assigned.GetProperty("Spec").GetProperty("ContainerSpec").GetProperty("PullOptions").GetProperty("RegistryAuth").GetString(), Is.EqualTo("c2VjcmV0"),
            "the agent that pulls still gets them");
    }

    [Test]
    public async Task HostModePort_OnTheTasksEndpoint_IngressNotImplemented()
    {
        var spec = JsonNode.Parse(ServiceSpec("web", replicas: 1).GetRawText())!;
        spec["EndpointSpec"] = new JsonObject { ["Ports"] = new JsonArray(new JsonObject { ["Protocol"] = "tcp", ["TargetPort"] = 80, ["PublishedPort"] = 8080, ["PublishMode"] = "host" }) };
        await backend.CreateAsync("services", JsonSerializer.SerializeToElement(spec), CancellationToken.None);
        spec["Name"] = "mesh";
        spec["EndpointSpec"]!["Ports"]![0]!["PublishMode"] = "ingress";

        var refused = Assert.ThrowsAsync<BerthException>(() => backend.CreateAsync("services", JsonSerializer.SerializeToElement(spec), CancellationToken.None));

        var port = (await backend.GetAssignmentsAsync("", CancellationToken.None)).Tasks.Single().GetProperty("Endpoint").GetProperty("Ports")[0];
        Assert.That((port.GetProperty("PublishedPort").GetInt32(), port.GetProperty("PublishMode").GetString()), Is.EqualTo((8080, "host")));
        Assert.That(refused!.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
    }

    [Test]
    public async Task ReportTaskStatus_Running_CountedInServiceStatus()
    {
        var id = await CreateServiceAsync("counted", replicas: 2);
        var task = (await backend.GetAssignmentsAsync("", CancellationToken.None)).Tasks[0].GetProperty("ID").GetString()!;

        await backend.ReportTaskStatusAsync([new TaskStatusReport(task, TaskStates.Running, "started", null, "c1", 42, null, DateTimeOffset.UtcNow)], CancellationToken.None);

        var status = (await backend.GetAsync("services", id, CancellationToken.None)).GetProperty("ServiceStatus");
        Assert.That((status.GetProperty("RunningTasks").GetInt32(), status.GetProperty("DesiredTasks").GetInt32()), Is.EqualTo((1, 2)));
    }

    [Test]
    public async Task Secret_ReferencedByAService_SentWithItsTasksAndNotRemovable()
    {
        var secret = (await backend.CreateAsync("secrets", JsonSerializer.SerializeToElement(new { Name = "token", Data = Convert.ToBase64String("s3cret"u8) }), CancellationToken.None))
            .GetProperty("ID").GetString()!;
        await CreateServiceAsync("uses-secret", replicas: 1, secretId: secret);

        var assignments = await backend.GetAssignmentsAsync("", CancellationToken.None);

        Assert.That(assignments.Secrets.Select(s => (s.Id, s.Name, System.Text.Encoding.UTF8.GetString(s.Data))), Is.EqualTo(new[] { (secret, "token", "s3cret") }));
        var refused = Assert.ThrowsAsync<BerthException>(() => backend.RemoveAsync("secrets", secret, force: false, CancellationToken.None));
        Assert.That(refused!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That((await backend.GetAsync("secrets", secret, CancellationToken.None)).GetProperty("Spec").TryGetProperty("Data", out _), Is.False, "secret data never leaves the manager");
    }

    [Test]
    public async Task CreateService_NoImage_InvalidAndNothingStored()
    {
        var spec = JsonSerializer.SerializeToElement(new { Name = "broken", TaskTemplate = new { ContainerSpec = new { } } });

        var refused = Assert.ThrowsAsync<BerthException>(() => backend.CreateAsync("services", spec, CancellationToken.None));

        Assert.That(refused!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That((await backend.ListAsync("services", NoFilters, CancellationToken.None)).GetArrayLength(), Is.Zero);
    }

    private async Task UpdateServiceAsync(string id, JsonElement spec) =>
        await backend.UpdateObjectAsync("services", id, Version(await backend.GetAsync("services", id, CancellationToken.None)), spec, CancellationToken.None);

    private static long Version(JsonElement document) => document.GetProperty("Version").GetProperty("Index").GetInt64();

    private async Task<string> CreateServiceAsync(string name, long replicas, string? secretId = null)
    {
        var created = await backend.CreateAsync("services", ServiceSpec(name, replicas, secretId), CancellationToken.None);
        return created.GetProperty("ID").GetString()!;
    }

    private static JsonElement ServiceSpec(string name, long replicas, string? secretId = null, string image = "busybox:latest") => JsonSerializer.SerializeToElement(new
    {
        Name = name,
        TaskTemplate = new
        {
            ContainerSpec = new
            {
                Image = image,
                Args = new[] { "sleep", "1000" },
                Secrets = secretId is null ? Array.Empty<object>() : [new { SecretID = secretId, SecretName = "token", File = new { Name = "token" } }],
            },
        },
        Mode = new { Replicated = new { Replicas = replicas } },
    });
}
