using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class ServiceStatusesTests
{
    [Test]
    public void Compute_Replicated_RunningTasksAndReplicas()
    {
        var sim = new ClusterSim();
        sim.AddNode("a");
        var service = sim.AddService("web", replicas: 3);
        sim.Pass();
        sim.Report(sim.Tasks(service.ID)[0].ID, TaskStates.Running);

        var status = ServiceStatuses.Compute(sim.State)[service.ID];

        Assert.That(status, Is.EqualTo(new ServiceStatus(1, 3)));
    }

    [Test]
    public void Compute_Global_DesiredIsTasksMeantToRunOnNodesNotDown()
    {
        var sim = new ClusterSim();
        sim.AddNode("a");
        sim.AddNode("b");
        sim.AddNode("c", availability: NodeAvailability.Drain);
        var service = sim.AddService("agent", global: true);
        sim.Converge();
        Assert.That(ServiceStatuses.Compute(sim.State)[service.ID], Is.EqualTo(new ServiceStatus(2, 2)));

        // Down, before the orchestrator has reacted: its task no longer counts as desired.
        sim.SetNode("b", n => n with { Status = n.Status with { State = NodeStates.Down } });

        Assert.That(ServiceStatuses.Compute(sim.State)[service.ID], Is.EqualTo(new ServiceStatus(2, 1)));
    }

    [Test]
    public void Compute_NoTasks_ZeroRunning()
    {
        var sim = new ClusterSim();
        var service = sim.AddService("web", replicas: 2);

        Assert.That(ServiceStatuses.Compute(sim.State)[service.ID], Is.EqualTo(new ServiceStatus(0, 2)));
    }
}
