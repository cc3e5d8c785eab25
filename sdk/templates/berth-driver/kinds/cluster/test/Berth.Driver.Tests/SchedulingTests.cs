using System.Text.Json;
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

        await backend.UpdateObjectAsync("services", id, service.GetProperty("Version").GetProperty("Index").GetInt64(), spec, CancellationToken.None);
        var shrunk = await backend.GetAssignmentsAsync("", CancellationToken.None);
        await backend.RemoveAsync("services", id, force: false, CancellationToken.None);
        var removed = await backend.GetAssignmentsAsync("", CancellationToken.None);

        Assert.That(shrunk.Tasks.Select(t => t.GetProperty("Slot").GetInt64()), Is.EqualTo(new long[] { 1 }));
        Assert.That(removed.Tasks, Is.Empty, "berthd's agent removes the containers of tasks that leave");
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

    private async Task<string> CreateServiceAsync(string name, long replicas, string? secretId = null)
    {
        var created = await backend.CreateAsync("services", ServiceSpec(name, replicas, secretId), CancellationToken.None);
        return created.GetProperty("ID").GetString()!;
    }

    private static JsonElement ServiceSpec(string name, long replicas, string? secretId = null) => JsonSerializer.SerializeToElement(new
    {
        Name = name,
        TaskTemplate = new
        {
            ContainerSpec = new
            {
                Image = "busybox:latest",
                Args = new[] { "sleep", "1000" },
                Secrets = secretId is null ? Array.Empty<object>() : [new { SecretID = secretId, SecretName = "token", File = new { Name = "token" } }],
            },
        },
        Mode = new { Replicated = new { Replicas = replicas } },
    });
}
