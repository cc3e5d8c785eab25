using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration;
using Berth.Plugins.Swarmkit.Orchestration.Scheduling;
using Berth.Plugins.Swarmkit.Store;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Benchmarks;

/// <summary>
/// The swarm scheduler in process, no store and no RPC: 10 000 PENDING tasks of one replicated service placed on 100
/// ready nodes in one pass (<see cref="Scheduler.Schedule"/>: node counters, filter pipeline, spreading, the task
/// updates it writes). Reported per decision, so the Op/s column is decisions per second. <see cref="SteadyPass"/> is a
/// whole leader reconcile pass (orchestrators, restart supervisor, updater, scheduler, reaper) over the same 10 000
/// tasks once they all run and nothing is left to do: the cost the leader pays for each burst of commits.
/// </summary>
[Config(typeof(SchedulerConfig))]
[MemoryDiagnoser]
public class SchedulerThroughput
{
    private const int Nodes = 100;
    private const int Tasks = 10_000;
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    private ClusterState pending = null!;
    private ClusterState settled = null!;

    [GlobalSetup]
    public void Setup()
    {
        var service = new Service
        {
            ID = "svc-web",
            Spec = new ServiceSpec
            {
                Name = "web",
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "busybox" } },
                Mode = new ServiceMode { Replicated = new ReplicatedMode(Tasks) },
            },
        };
        var nodes = ImmutableDictionary.CreateBuilder<string, Node>();
        for (var i = 0; i < Nodes; i++)
        {
            var node = new Node
            {
                ID = $"node{i:D3}",
                Description = new NodeDescription { Hostname = $"node{i:D3}", Resources = new NodeResources(8_000_000_000, 32L << 30) },
                Status = new NodeStatus(NodeStates.Ready),
            };
            nodes[node.ID] = node;
        }
        var tasks = ImmutableDictionary.CreateBuilder<string, SwarmTask>();
        for (var slot = 1; slot <= Tasks; slot++)
        {
            var task = new SwarmTask
            {
                ID = $"task{slot:D5}",
                ServiceID = service.ID,
                Slot = slot,
                Spec = service.Spec.TaskTemplate,
                Endpoint = new ServiceEndpoint(),
                Status = new TaskStatus { State = TaskStates.Pending, Message = OrchestrationMessages.PendingScheduling, Timestamp = Now },
            };
            tasks[task.ID] = task;
        }
        pending = ClusterState.Empty with
        {
            Index = 1,
            Cluster = new ClusterObject { ID = ClusterObject.SingletonId },
            Nodes = nodes.ToImmutable(),
            Services = ImmutableDictionary<string, Service>.Empty.Add(service.ID, service),
            Tasks = tasks.ToImmutable(),
        };

        // The same tasks once placed and running.
        var placed = pending.Apply(new StoreCommand(Now, Scheduler.Schedule(pending, Now)), 2).State;
        settled = placed with
        {
            Tasks = placed.Tasks.ToImmutableDictionary(
                kv => kv.Key, kv => kv.Value with { Status = new TaskStatus { State = TaskStates.Running, Timestamp = Now } }),
        };
        if (Scheduler.Schedule(pending, Now).Count != Tasks || new Reconciler().Run(settled, Now).Ops.Count != 0)
            throw new InvalidOperationException("benchmark state is not what it should be");
    }

    /// <summary>10 000 scheduling decisions (the figure is per decision).</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public int ScheduleDecision() => Scheduler.Schedule(pending, Now).Count;

    /// <summary>One reconcile pass over 10 000 running tasks that needs no write.</summary>
    [Benchmark]
    public int SteadyPass() => new Reconciler().Run(settled, Now).Ops.Count;
}

/// <summary>Short in-process runs: each invocation is milliseconds long.</summary>
public class SchedulerConfig : ManualConfig
{
    public SchedulerConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("InProcessShort"));
        AddColumn(StatisticColumn.OperationsPerSecond, StatisticColumn.Median);
    }
}
