using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Store;

public class ClusterStateTests
{
    private static readonly DateTime At = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    private static Service Service(string id, string name) => new() { ID = id, Spec = new ServiceSpec { Name = name } };

    [Test]
    public void Apply_Create_StampsVersionAndTimes()
    {
        var result = ClusterState.Empty.Apply(new StoreCommand(At, [StoreOp.Create(Service("s1", "web"))]), 7);

        Assert.That(result.Error, Is.Null);
        var stored = result.State.Services["s1"];
        Assert.That(stored.Version.Index, Is.EqualTo(7));
        Assert.That(stored.CreatedAt, Is.EqualTo(At));
        Assert.That(result.State.Index, Is.EqualTo(7));
        Assert.That(result.Changes.Single().Action, Is.EqualTo(StoreAction.Create));
    }

    [Test]
    public void Apply_StaleVersion_RefusesWholeBatch()
    {
        var state = ClusterState.Empty.Apply(new StoreCommand(At, [StoreOp.Create(Service("s1", "web"))]), 1).State;
        var stale = state.Services["s1"] with { Version = new ObjectVersion(0), Spec = new ServiceSpec { Name = "web2" } };

        var result = state.Apply(new StoreCommand(At, [StoreOp.Create(Service("s2", "db")), StoreOp.Update(stale)]), 2);

        Assert.That(result.Error?.Message, Is.EqualTo(StoreError.OutOfSequence));
        Assert.That(result.Error?.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(result.State.Services.ContainsKey("s2"), Is.False);
        Assert.That(result.State.Services["s1"].Spec.Name, Is.EqualTo("web"));
    }

    [Test]
    public void Apply_DuplicateName_RefusedIgnoringCase()
    {
        var state = ClusterState.Empty.Apply(new StoreCommand(At, [StoreOp.Create(Service("s1", "web"))]), 1).State;

        var result = state.Apply(new StoreCommand(At, [StoreOp.Create(Service("s2", "WEB"))]), 2);

        Assert.That(result.Error?.Message, Does.Contain("name conflicts with an existing object"));
    }

    [Test]
    public void Apply_Update_KeepsCreatedAtAndRecordsOld()
    {
        var state = ClusterState.Empty.Apply(new StoreCommand(At, [StoreOp.Create(Service("s1", "web"))]), 1).State;
        var later = At.AddMinutes(1);

        var result = state.Apply(new StoreCommand(later, [StoreOp.Update(state.Services["s1"] with { Spec = new ServiceSpec { Name = "web" , Labels = new() { ["a"] = "b" } } })]), 2);

        var stored = result.State.Services["s1"];
        Assert.That(stored.CreatedAt, Is.EqualTo(At));
        Assert.That(stored.UpdatedAt, Is.EqualTo(later));
        Assert.That(((Service)result.Changes[0].Old!).Spec.Labels, Is.Null);
    }

    [Test]
    public void Apply_DeleteMissing_NotFound()
    {
        var result = ClusterState.Empty.Apply(new StoreCommand(At, [StoreOp.Delete(ObjectKind.Task, "nope")]), 1);

        Assert.That(result.Error?.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public void Serialize_RoundTrip_KeepsTablesAndUnknownSpecFields()
    {
        var spec = JsonSerializer.Deserialize<ServiceSpec>("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb:1","Isolation":"default"}},"Mode":{"Replicated":{"Replicas":3}}}""", SwarmJson.Options)!;
        var state = ClusterState.Empty.Apply(new StoreCommand(At, [StoreOp.Create(new Service { ID = "s1", Spec = spec })]), 3).State;

        var copy = JsonSerializer.Deserialize<ClusterState>(JsonSerializer.Serialize(state, SwarmJson.Options), SwarmJson.Options)!;

        Assert.That(copy.Index, Is.EqualTo(3));
        var back = copy.Services["s1"].Spec;
        Assert.That(back.Mode.Replicated?.Replicas, Is.EqualTo(3));
        Assert.That(back.TaskTemplate.ContainerSpec!.Extra!["Isolation"].GetString(), Is.EqualTo("default"));
    }
}
