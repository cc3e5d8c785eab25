using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration.Scheduling;

/// <summary>
/// swarmkit's scheduler (<c>manager/scheduler/</c>). PENDING tasks without a node are grouped by service and spec
/// and spread over the nodes that pass the <see cref="Pipeline"/>: first across the placement preferences' label
/// values, then to the node with the fewest tasks of the service, then the fewest tasks overall (a node where the
/// service failed 5 times within 5 minutes comes last). A task no node can take stays PENDING with
/// "no suitable node (…)". PENDING tasks that already name their node (global services) are checked against that
/// node only. Node counters are built once per pass and kept up to date as tasks are placed.
/// </summary>
public static class Scheduler
{
    private const int MaxFailures = 5;

    /// <summary>One scheduling pass over <paramref name="state"/>: the task updates it decides.</summary>
    public static IReadOnlyList<StoreOp> Schedule(ClusterState state, DateTime now)
    {
        var ws = new WorkingSet(state, now);
        Run(ws);
        return ws.Ops();
    }

    internal static void Run(WorkingSet ws)
    {
        var now = ws.Now;
        var nodes = new List<NodeInfo>(ws.Nodes.Count);
        var byId = new Dictionary<string, NodeInfo>(ws.Nodes.Count, StringComparer.Ordinal);
        foreach (var node in ws.Nodes.Values.OrderBy(n => n.ID, StringComparer.Ordinal))
        {
            var info = new NodeInfo(node);
            nodes.Add(info);
            byId[node.ID] = info;
        }

        var unassigned = new List<SwarmTask>();
        var preassigned = new List<SwarmTask>();
        var neverRun = new List<SwarmTask>();
        var pendingRank = States.Pending;
        var runningRank = States.Running;
        var shutdownRank = States.Shutdown;
        foreach (var task in ws.Tasks.Values)
        {
            var state = States.Rank(task.Status.State);
            if (state == pendingRank)
            {
                if (States.Rank(task.DesiredState) >= shutdownRank)
                    neverRun.Add(task);
                else if (task.NodeID is null)
                    unassigned.Add(task);
                else
                    preassigned.Add(task);
            }
            else if (state > pendingRank && state <= runningRank)
            {
                if (task.NodeID is not null && byId.TryGetValue(task.NodeID, out var info))
                    info.Add(task);
            }
            else if (task.Status.State is TaskStates.Failed or TaskStates.Rejected && task.NodeID is not null
                && now - task.Status.Timestamp <= TimeSpan.FromMinutes(5) && byId.TryGetValue(task.NodeID, out var failedOn)
                && ws.Services.TryGetValue(task.ServiceID, out var service) && !Defaults.IsGlobal(service))
            {
                failedOn.RecordFailure(task.ServiceID, SpecKeys.Of(task.Spec), task.Status.Timestamp);
            }
        }

        // A task meant to stop that never got a node will never run: it is shut down where it stands (swarmkit's
        // noSuitableNode does this for the old revision's tasks; the reaper deletes them).
        foreach (var task in neverRun)
            ws.Update(task with { Status = task.Status with { State = TaskStates.Shutdown, Err = null, Timestamp = now } });

        var pipeline = new Pipeline();
        foreach (var task in preassigned.OrderBy(t => t.ID, StringComparer.Ordinal))
        {
            if (!byId.TryGetValue(task.NodeID!, out var node) || !ws.Services.ContainsKey(task.ServiceID))
                continue;
            pipeline.SetTask(task);
            if (pipeline.Process(node))
            {
                var placed = Assign(ws, task, node.Id, OrchestrationMessages.AssignedPreassigned);
                node.Add(placed);
            }
            else
            {
                SetError(ws, task, pipeline.Explain());
            }
        }

        var groups = unassigned
            .Where(t => ws.Services.ContainsKey(t.ServiceID))
            .GroupBy(t => (t.ServiceID, Spec: SpecKeys.Of(t.Spec)))
            .OrderBy(g => g.Key.ServiceID, StringComparer.Ordinal).ThenBy(g => g.Key.Spec, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var tasks = group.OrderBy(t => t.Slot).ThenBy(t => t.CreatedAt).ThenBy(t => t.ID, StringComparer.Ordinal).ToList();
            new GroupScheduler(ws, nodes, pipeline, tasks, group.Key.Spec).Run();
        }
    }

    /// <summary>Host-mode published ports of a task (from its endpoint, as swarmkit's Task.Endpoint).</summary>
    internal static IEnumerable<(string Protocol, int Port)> HostPortsOf(SwarmTask task)
    {
        var ports = task.Endpoint?.Ports ?? task.Endpoint?.Spec?.Ports;
        if (ports is null)
            yield break;
        foreach (var port in ports)
        {
            if (port.PublishMode == "host" && port.PublishedPort is > 0)
                yield return (string.IsNullOrEmpty(port.Protocol) ? "tcp" : port.Protocol, port.PublishedPort.Value);
        }
    }

    internal static SwarmTask Assign(WorkingSet ws, SwarmTask task, string nodeId, string message)
    {
        var placed = task with
        {
            NodeID = nodeId,
            Status = new TaskStatus { State = TaskStates.Assigned, Message = message, Timestamp = ws.Now },
        };
        ws.Update(placed);
        return placed;
    }

    /// <summary>Records why the task stays PENDING; written only when it changes, so an unschedulable task costs no write per pass.</summary>
    internal static void SetError(WorkingSet ws, SwarmTask task, string error)
    {
        if (task.Status.Err == error)
            return;
        ws.Update(task with { Status = task.Status with { Err = error, Timestamp = ws.Now } });
    }

    /// <summary>scheduler.go scheduleTaskGroup for one (service, spec) group.</summary>
    private sealed class GroupScheduler
    {
        private readonly WorkingSet ws;
        private readonly List<NodeInfo> nodes;
        private readonly Pipeline pipeline;
        private readonly List<SwarmTask> tasks;
        private readonly string serviceId;
        private int next;

        public GroupScheduler(WorkingSet ws, List<NodeInfo> nodes, Pipeline pipeline, List<SwarmTask> tasks, string specKey)
        {
            this.ws = ws;
            this.nodes = nodes;
            this.pipeline = pipeline;
            this.tasks = tasks;
            serviceId = tasks[0].ServiceID;
            foreach (var node in nodes)
                node.GroupFailures = node.RecentFailures(serviceId, specKey, ws.Now);
        }

        private int Remaining => tasks.Count - next;

        public void Run()
        {
            var first = tasks[0];
            pipeline.SetTask(first);
            var tree = Tree.Build(nodes, serviceId, first.Spec.Placement?.Preferences, pipeline);
            ScheduleOnSubtree(tasks.Count, tree);
            if (Remaining == 0)
                return;

            pipeline.CountFailures(nodes);
            var explanation = pipeline.Explain();
            var error = explanation.Length > 0 ? $"{OrchestrationMessages.NoSuitableNode} ({explanation})" : OrchestrationMessages.NoSuitableNode;
            for (; next < tasks.Count; next++)
                SetError(ws, tasks[next], error);
        }

        // nodeLess: many recent failures last, then fewest tasks of this service, then fewest tasks, then id.
        private int Compare(NodeInfo a, NodeInfo b)
        {
            if ((a.GroupFailures >= MaxFailures || b.GroupFailures >= MaxFailures) && a.GroupFailures != b.GroupFailures)
                return a.GroupFailures.CompareTo(b.GroupFailures);
            var c = a.ActiveTasksOf(serviceId).CompareTo(b.ActiveTasksOf(serviceId));
            if (c != 0)
                return c;
            c = a.ActiveTasks.CompareTo(b.ActiveTasks);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        }

        // scheduler.go scheduleNTasksOnSubtree: fill the label-value branches towards an even share of the service's tasks.
        private int ScheduleOnSubtree(int n, Tree tree)
        {
            if (tree.Branches is null)
            {
                // Checked again on every visit: an earlier visit may have filled some of them.
                var candidates = tree.Nodes.Where(pipeline.Process).ToList();
                if (candidates.Count == 0 || n <= 0)
                    return 0;
                candidates.Sort(Compare);
                return ScheduleOnNodes(n, candidates);
            }

            var scheduled = 0;
            var usable = tree.Tasks;
            var noRoom = new HashSet<Tree>();
            var converging = true;
            while (scheduled != n && noRoom.Count != tree.Branches.Count && converging && Remaining > 0)
            {
                var branches = tree.Branches.Count - noRoom.Count;
                var desired = (usable + n - scheduled) / branches;
                var remainder = (usable + n - scheduled) % branches;
                converging = false;
                foreach (var subtree in tree.Branches.Values)
                {
                    if (noRoom.Contains(subtree))
                        continue;
                    if (subtree.Tasks < desired || (subtree.Tasks == desired && remainder > 0))
                    {
                        converging = true;
                        var toAssign = desired - subtree.Tasks;
                        if (remainder > 0)
                            toAssign++;
                        var done = ScheduleOnSubtree(toAssign, subtree);
                        if (done < toAssign)
                        {
                            noRoom.Add(subtree);
                            usable -= subtree.Tasks;
                        }
                        else if (remainder > 0)
                        {
                            remainder--;
                        }
                        scheduled += done;
                    }
                }
            }
            return scheduled;
        }

        // scheduler.go scheduleNTasksOnNodes: stay on a node while it is still the least loaded, then move on.
        private int ScheduleOnNodes(int n, List<NodeInfo> candidates)
        {
            var scheduled = 0;
            var failed = new bool[candidates.Count];
            var count = candidates.Count;
            var iter = 0;
            while (Remaining > 0)
            {
                var node = candidates[iter % count];
                var placed = Assign(ws, tasks[next++], node.Id, OrchestrationMessages.Assigned);
                node.Add(placed);
                scheduled++;
                if (scheduled == n)
                    return scheduled;

                if (iter + 1 < count)
                {
                    if (Compare(candidates[(iter + 1) % count], node) < 0)
                        iter++;
                }
                else
                {
                    iter++;
                }

                var start = iter;
                while (failed[iter % count] || !pipeline.Process(candidates[iter % count]))
                {
                    failed[iter % count] = true;
                    iter++;
                    if (iter - start == count)
                        return scheduled;
                }
            }
            return scheduled;
        }
    }

    /// <summary>decision_tree.go: one level per spread preference, one branch per label value (missing = "").</summary>
    private sealed class Tree
    {
        public int Tasks { get; set; }
        public SortedDictionary<string, Tree>? Branches { get; private set; }
        public List<NodeInfo> Nodes { get; } = [];

        public static Tree Build(List<NodeInfo> nodes, string serviceId, IReadOnlyList<PlacementPreference>? preferences, Pipeline pipeline)
        {
            var root = new Tree();
            foreach (var node in nodes)
            {
                var tree = root;
                var count = node.ActiveTasksOf(serviceId);
                foreach (var preference in preferences ?? [])
                {
                    if (preference.Spread?.SpreadDescriptor is not { } descriptor || Constraints.SpreadValue(descriptor, node.Node) is not { } value)
                        continue;
                    tree.Tasks += count;
                    tree.Branches ??= new SortedDictionary<string, Tree>(StringComparer.Ordinal);
                    if (!tree.Branches.TryGetValue(value, out var branch))
                        tree.Branches[value] = branch = new Tree();
                    tree = branch;
                }
                tree.Tasks += count;
                if (pipeline.Process(node))
                    tree.Nodes.Add(node);
            }
            return root;
        }
    }
}
