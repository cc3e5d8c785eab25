using System.Text;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Store;

public class RaftEnvelopeTests
{
    private static readonly DateTime At = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    private static ClusterState EveryTable()
    {
        var spec = JsonSerializer.Deserialize<ServiceSpec>("""{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"bb:1"}},"Mode":{"Replicated":{"Replicas":2}},"Unmodelled":{"x":[1,2]}}""", SwarmJson.Options)!;
        var command = new StoreCommand(At, [
            StoreOp.Create(new ClusterObject { ID = ClusterObject.SingletonId, JoinTokens = new JoinTokens("SWMTKN-w", "SWMTKN-m"), DefaultAddrPool = ["10.0.0.0/8"] }),
            StoreOp.Create(new ClusterKeys { ID = ClusterKeys.SingletonId, RootCaCertPem = "cert", RootCaKeyPem = "key", SecretsKey = "c2VjcmV0" }),
            StoreOp.Create(new Node { ID = "n1", Spec = new NodeSpec { Role = NodeRoles.Manager, Labels = new() { ["zone"] = "a" } }, Status = new NodeStatus(NodeStates.Ready, null, "10.0.0.1"), ManagerStatus = new ManagerStatus(true, "reachable", "10.0.0.1:2377") }),
            StoreOp.Create(new Service { ID = "s1", Spec = spec }),
            StoreOp.Create(new SwarmTask { ID = "t1", ServiceID = "s1", Slot = 1, NodeID = "n1", Status = new Berth.Plugins.Swarmkit.Model.TaskStatus { Timestamp = At, State = TaskStates.Running } }),
            StoreOp.Create(new Secret { ID = "sec1", Spec = new FileSpec { Name = "pw", Data = "c2VhbGVk" } }),
            StoreOp.Create(new Config { ID = "cfg1", Spec = new FileSpec { Name = "conf", Data = "YQ==" } }),
        ]);
        var result = ClusterState.Empty.Apply(command, 42);
        Assert.That(result.Error, Is.Null);
        return result.State;
    }

    [Test]
    public void ClusterState_EveryTable_RoundTripsThroughJson()
    {
        var state = EveryTable();

        var json = JsonSerializer.Serialize(state, SwarmJson.Options);
        var copy = JsonSerializer.Deserialize<ClusterState>(json, SwarmJson.Options)!;

        Assert.That(JsonSerializer.Serialize(copy, SwarmJson.Options), Is.EqualTo(json));
        Assert.That(copy.Index, Is.EqualTo(42));
        Assert.That(copy.Nodes["n1"].ManagerStatus!.Addr, Is.EqualTo("10.0.0.1:2377"));
        Assert.That(copy.Services["s1"].Spec.Extra!.ContainsKey("Unmodelled"), Is.True);
        Assert.That(copy.Services["s1"].Version.Index, Is.EqualTo(42));
        Assert.That(copy.Tasks["t1"].Status.State, Is.EqualTo(TaskStates.Running));
        Assert.That(copy.Secrets["sec1"].Spec.Data, Is.EqualTo("c2VhbGVk"));
        Assert.That(copy.Configs["cfg1"].CreatedAt, Is.EqualTo(At));
        Assert.That(copy.Cluster!.JoinTokens.Manager, Is.EqualTo("SWMTKN-m"));
        Assert.That(copy.Keys!.RootCaKeyPem, Is.EqualTo("key"));
        Assert.That(copy.Services.KeyComparer, Is.EqualTo(state.Services.KeyComparer));
    }

    [Test]
    public void Envelope_Batch_RoundTripsThroughProtector()
    {
        var protector = new ReversingProtector();
        var service = EveryTable().Services["s1"];
        var envelope = new RaftEnvelope(Guid.NewGuid(), new StoreCommand(At, [StoreOp.Update(service), StoreOp.Delete(ObjectKind.Task, "t1", 42)]));

        var bytes = envelope.Encode(protector);
        var copy = RaftEnvelope.Decode(bytes, protector);

        Assert.That(Encoding.UTF8.GetString(bytes), Does.Not.Contain("\"CommandId\""), "the protector saw the bytes");
        Assert.That(copy.CommandId, Is.EqualTo(envelope.CommandId));
        Assert.That(copy.Command.Timestamp, Is.EqualTo(At));
        Assert.That(copy.Command.Ops[0].Service!.Spec.Name, Is.EqualTo("web"));
        Assert.That(copy.Command.Ops[0].IfVersion, Is.EqualTo(42));
        Assert.That(copy.Command.Ops[1], Is.EqualTo(envelope.Command.Ops[1]));
        Assert.That(Encoding.UTF8.GetString(protector.Unprotect(bytes)), Does.Not.Contain("\"Object\""), "the op's computed object is not written twice");
    }

    private sealed class ReversingProtector : IPayloadProtector
    {
        public byte[] Protect(byte[] plaintext) => plaintext.Reverse().ToArray();

        public byte[] Unprotect(byte[] protectedPayload) => protectedPayload.Reverse().ToArray();
    }
}
