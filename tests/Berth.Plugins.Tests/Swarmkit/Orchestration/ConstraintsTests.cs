using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class ConstraintsTests
{
    private static readonly Node Manager = new()
    {
        ID = "n1abc",
        Spec = new NodeSpec { Role = NodeRoles.Manager, Labels = new() { ["zone"] = "East", ["Disk"] = "ssd" } },
        Description = new NodeDescription
        {
            Hostname = "Box-1",
            Platform = new Platform("x86_64", "linux"),
            Engine = new EngineDescription { Labels = new() { ["tier"] = "gold" } },
        },
        Status = new NodeStatus(NodeStates.Ready, null, "10.1.2.3"),
    };

    [TestCase("node.role", "constraint expected one operator from ==, !=")]
    [TestCase("node.role=manager", "constraint expected one operator from ==, !=")]
    [TestCase("node.la bels.a==b", "key 'node.la bels.a' is invalid")]
    [TestCase("==manager", "key '' is invalid")]
    [TestCase("node.role==man>ager", "value 'man>ager' is invalid")]
    [TestCase("node.role==", "value '' is invalid")]
    public void Validate_BadExpression_SwarmkitMessage(string expression, string message)
    {
        var e = Assert.Throws<BerthException>(() => Constraints.Validate(["node.role==manager", expression]));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(e.Message, Is.EqualTo(message));
    }

    [Test]
    public void Validate_GoodExpressions_DoesNotThrow()
    {
        Assert.DoesNotThrow(() => Constraints.Validate(
            ["node.role == manager", "node.labels.zone!=west", "engine.labels.tier==gold", "node.ip==10.1.0.0/16", "node.hostname==box-1"]));
    }

    [TestCase("node.role==manager", true)]
    [TestCase("node.role==MANAGER", true)]
    [TestCase("node.role!=manager", false)]
    [TestCase("node.id==n1abc", true)]
    [TestCase("node.hostname==box-1", true)]
    [TestCase("node.labels.zone==east", true)]
    [TestCase("node.labels.Zone==east", false)]
    [TestCase("node.labels.disk==ssd", false)]
    [TestCase("node.labels.missing!=x", true)]
    [TestCase("node.labels.missing==x", false)]
    [TestCase("engine.labels.tier==GOLD", true)]
    [TestCase("node.platform.os==linux", true)]
    [TestCase("node.platform.arch==x86_64", true)]
    [TestCase("node.ip==10.1.2.3", true)]
    [TestCase("node.ip==10.1.0.0/16", true)]
    [TestCase("node.ip!=10.1.0.0/16", false)]
    [TestCase("node.ip==not-an-ip", false)]
    [TestCase("node.colour==red", false)]
    public void Matches_Expression_AsSwarmkit(string expression, bool expected)
    {
        Assert.That(Constraints.Matches(Constraints.Parse([expression]), Manager), Is.EqualTo(expected));
    }
}
