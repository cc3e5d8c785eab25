namespace Berth.Kernel.Cluster;

/// <summary>The labels Moby's executor puts on a task's container (daemon/cluster/executor/container/container.go).</summary>
public static class SwarmLabels
{
    /// <summary>Marks a container as a cluster task (empty value); <c>swarm leave</c> removes every container carrying it.</summary>
    public const string Task = "com.docker.swarm.task";
    public const string TaskId = "com.docker.swarm.task.id";
    public const string TaskName = "com.docker.swarm.task.name";
    public const string NodeId = "com.docker.swarm.node.id";
    public const string ServiceId = "com.docker.swarm.service.id";
    public const string ServiceName = "com.docker.swarm.service.name";
}
