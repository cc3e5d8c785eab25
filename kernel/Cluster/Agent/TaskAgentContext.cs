namespace Berth.Kernel.Cluster.Agent;

/// <summary>What every task worker uses: the kernel seams, the secret and config files, where reports go, the clock.</summary>
public sealed record TaskAgentContext(ITaskContainers Containers, ITaskImages Images, TaskFileStore Files, ITaskStatusSink Reports, TimeProvider Time);
