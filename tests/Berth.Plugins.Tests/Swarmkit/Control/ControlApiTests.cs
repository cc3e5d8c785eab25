using System.Text;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Control;

public class ControlApiTests
{
    private MemoryClusterStore store = null!;
    private RpcClient rpc = null!;
    private ControlApi api = null!;
    private readonly SecretBox box = new(SecretBox.GenerateKey());

    [SetUp]
    public void SetUp()
    {
        store = new MemoryClusterStore();
        rpc = new RpcClient((_, _) => throw new IOException("no network in unit tests"));
        var proposer = new ForwardingProposer(store, new LeaderCalls(store, rpc), TimeProvider.System);
        api = new ControlApi(proposer, new ObjectViews(_ => null), new BoxSealer(() => box), TimeProvider.System);
    }

    [TearDown]
    public async Task TearDown()
    {
        await rpc.DisposeAsync();
        await store.DisposeAsync();
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static JsonElement ServiceSpec(string name, string image = "bb:1", string extra = "") =>
        Json("{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"" + image + "\"}},\"Mode\":{\"Replicated\":{\"Replicas\":2}}" + extra + "}");

    private async Task<string> CreateServiceAsync(string name) =>
        (await api.CreateAsync("services", ServiceSpec(name), CancellationToken.None)).GetProperty("ID").GetString()!;

    [Test]
    public async Task CreateAsync_Service_ListedWithSpecAndStatus()
    {
        var id = await CreateServiceAsync("web");

        var listed = api.List("services", default);

        Assert.That(listed.GetArrayLength(), Is.EqualTo(1));
        Assert.That(listed[0].GetProperty("ID").GetString(), Is.EqualTo(id));
        Assert.That(listed[0].GetProperty("Spec").GetProperty("Mode").GetProperty("Replicated").GetProperty("Replicas").GetInt64(), Is.EqualTo(2));
        Assert.That(listed[0].TryGetProperty("ServiceStatus", out _), Is.True);
    }

    [Test]
    public async Task CreateAsync_SameNameTwice_Conflict()
    {
        await CreateServiceAsync("web");

        var e = Assert.ThrowsAsync<BerthException>(() => CreateServiceAsync("web"));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(e.Message, Does.Contain("service web already exists"));
    }

    [TestCase("""{"Name":"bad_name","TaskTemplate":{"ContainerSpec":{"Image":"bb"}}}""", "name must be valid as a DNS name component")]
    [TestCase("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":""}}}""", "image reference must be provided")]
    [TestCase("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb"},"RestartPolicy":{"Condition":"sometimes"}}}""", "invalid RestartCondition")]
    [TestCase("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb"},"Networks":[{"Target":""}]}}""", "network attachment target cannot be empty")]
    [TestCase("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb"},"Networks":[{"Target":"n"},{"Target":"n"}]}}""", "attached to the same network more than once")]
    public void CreateAsync_InvalidSpec_InvalidParameter(string spec, string message)
    {
        var e = Assert.ThrowsAsync<BerthException>(() => api.CreateAsync("services", Json(spec), CancellationToken.None));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public async Task CreateAsync_NodeLocalNetwork_TasksCarryTheAttachment()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb"},"Networks":[{"Target":"backend","Aliases":["db"]}]}}""");

        var id = (await api.CreateAsync("services", spec, CancellationToken.None)).GetProperty("ID").GetString()!;

        var networks = api.Get("services", id).GetProperty("Spec").GetProperty("TaskTemplate").GetProperty("Networks");
        Assert.That(networks.GetRawText(), Does.Contain("\"Target\":\"backend\"").And.Contain("db"));
    }

    [Test]
    public void CreateAsync_IngressPort_SaysNotSupportedYet()
    {
        var spec = ServiceSpec("web", extra: ""","EndpointSpec":{"Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":8080}]}""");

        var e = Assert.ThrowsAsync<BerthException>(() => api.CreateAsync("services", spec, CancellationToken.None));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
        Assert.That(e.Message, Does.Contain("mode=host"));
    }

    [Test]
    public async Task UpdateAsync_StaleVersion_OutOfSequence()
    {
        var id = await CreateServiceAsync("web");
        var version = store.Current.Services[id].Version.Index;
        await api.UpdateAsync("services", id, version, ServiceSpec("web", "bb:2"), CancellationToken.None);

        var e = Assert.ThrowsAsync<BerthException>(() => api.UpdateAsync("services", id, version, ServiceSpec("web", "bb:3"), CancellationToken.None));

        Assert.That(e!.Message, Is.EqualTo(StoreError.OutOfSequence));
        Assert.That(e.Kind, Is.EqualTo(BerthErrorKind.System), "a 500, as Moby answers swarmkit's unknown-code error");
        Assert.That(store.Current.Services[id].Spec.TaskTemplate.ContainerSpec!.Image, Is.EqualTo("bb:2"));
    }

    [Test]
    public async Task UpdateAsync_WithoutCredentials_KeepsTheStoredOnesAndNeverShowsThem()
    {
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb:1","PullOptions":{"RegistryAuth":"c2VjcmV0"}}}}""");
        var id = (await api.CreateAsync("services", spec, CancellationToken.None)).GetProperty("ID").GetString()!;

        await api.UpdateAsync("services", id, store.Current.Services[id].Version.Index, ServiceSpec("web", "bb:2"), CancellationToken.None);

        Assert.That(store.Current.Services[id].Spec.TaskTemplate.ContainerSpec!.PullOptions!.RegistryAuth, Is.EqualTo("c2VjcmV0"));
        Assert.That(api.Get("services", id).GetRawText(), Does.Not.Contain("c2VjcmV0").And.Not.Contain("PullOptions"));
    }

    [Test]
    public async Task UpdateAsync_Rollback_SwapsSpecs()
    {
        var id = await CreateServiceAsync("web");
        await api.UpdateAsync("services", id, store.Current.Services[id].Version.Index, ServiceSpec("web", "bb:2"), CancellationToken.None);

        await api.UpdateAsync("services", id, store.Current.Services[id].Version.Index, Json("""{"Rollback":"previous"}"""), CancellationToken.None);

        var service = store.Current.Services[id];
        Assert.That(service.Spec.TaskTemplate.ContainerSpec!.Image, Is.EqualTo("bb:1"));
        Assert.That(service.PreviousSpec!.TaskTemplate.ContainerSpec!.Image, Is.EqualTo("bb:2"));
        Assert.That(service.UpdateStatus!.State, Is.EqualTo(UpdateStates.RollbackStarted));
    }

    [Test]
    public async Task UpdateAsync_RollbackWithoutPrevious_Refused()
    {
        var id = await CreateServiceAsync("web");

        var e = Assert.ThrowsAsync<BerthException>(() => api.UpdateAsync("services", id, store.Current.Services[id].Version.Index, Json("""{"Rollback":"previous"}"""), CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("does not have a previous spec"));
    }

    [Test]
    public async Task CreateAsync_Secret_SealedAtRestAndNeverShown()
    {
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cr3t"));
        var id = (await api.CreateAsync("secrets", Json($$"""{"Name":"pw","Data":"{{data}}"}"""), CancellationToken.None)).GetProperty("ID").GetString()!;

        var stored = store.Current.Secrets[id].Spec.Data!;
        Assert.That(stored, Is.Not.EqualTo(data));
        Assert.That(Encoding.UTF8.GetString(box.Decrypt(Convert.FromBase64String(stored))), Is.EqualTo("s3cr3t"));
        Assert.That(api.Get("secrets", "pw").GetProperty("Spec").TryGetProperty("Data", out _), Is.False);
    }

    [Test]
    public async Task RemoveAsync_SecretInUse_Refused()
    {
        var data = Convert.ToBase64String("x"u8.ToArray());
        var secretId = (await api.CreateAsync("secrets", Json($$"""{"Name":"pw","Data":"{{data}}"}"""), CancellationToken.None)).GetProperty("ID").GetString()!;
        var spec = Json("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb","Secrets":[{"File":{"Name":"pw","UID":"0","GID":"0","Mode":292},"SecretID":"@secret","SecretName":"pw"}]}}}""".Replace("@secret", secretId, StringComparison.Ordinal));
        await api.CreateAsync("services", spec, CancellationToken.None);

        var e = Assert.ThrowsAsync<BerthException>(() => api.RemoveAsync("secrets", "pw", force: false, CancellationToken.None));

        Assert.That(e!.Message, Is.EqualTo("secret 'pw' is in use by the following service: web"));
    }

    [Test]
    public async Task RemoveAsync_LiveWorkerWithoutForce_Refused()
    {
        var node = new Node { ID = "n1", Spec = new NodeSpec { Role = NodeRoles.Worker }, Status = new NodeStatus(NodeStates.Ready) };
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(node)]), CancellationToken.None);

        var e = Assert.ThrowsAsync<BerthException>(() => api.RemoveAsync("nodes", "n1", force: false, CancellationToken.None));
        await api.RemoveAsync("nodes", "n1", force: true, CancellationToken.None);

        Assert.That(e!.Message, Is.EqualTo("node n1 is not down and can't be removed"));
        Assert.That(store.Current.Nodes, Is.Empty);
    }

    [Test]
    public async Task List_TasksByServiceNameAndDesiredState_Filters()
    {
        var id = await CreateServiceAsync("web");
        var running = new SwarmTask { ID = "t1", ServiceID = id, Slot = 1, DesiredState = TaskStates.Running };
        var stopped = new SwarmTask { ID = "t2", ServiceID = id, Slot = 1, DesiredState = TaskStates.Shutdown };
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(running), StoreOp.Create(stopped)]), CancellationToken.None);

        var listed = api.List("tasks", Json("""{"service":["web"],"desired-state":["running"]}"""));

        Assert.That(listed.EnumerateArray().Select(t => t.GetProperty("ID").GetString()), Is.EqualTo(new[] { "t1" }));
    }

    [Test]
    public void List_UnknownFilter_InvalidParameter()
    {
        var e = Assert.Throws<BerthException>(() => api.List("services", Json("""{"colour":["red"]}""")));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }
}
