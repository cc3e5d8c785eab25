using System.Security.Cryptography;
using System.Text;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Dispatcher;

/// <summary>What a node must run, computed from a manager's applied state.</summary>
public static class Assignments
{
    public static NodeAssignments For(ClusterState state, string nodeId, ISecretSealer sealer)
    {
        var tasks = state.Tasks.Values
            .Where(t => t.NodeID == nodeId && TaskStates.IsAtLeast(t.Status.State, TaskStates.Assigned))
            .OrderBy(t => t.ID, StringComparer.Ordinal)
            .ToList();
        var secretIds = tasks.SelectMany(t => t.Spec.ContainerSpec?.Secrets ?? []).Select(r => r.SecretID).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var configIds = tasks.SelectMany(t => t.Spec.ContainerSpec?.Configs ?? []).Select(r => r.ConfigID).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var secrets = secretIds.Select(id => state.Secrets.GetValueOrDefault(id)).OfType<Secret>()
            .Select(s => new AssignedFile(s.ID, s.Spec.Name, sealer.Open(s.Spec.Data ?? ""))).ToList();
        var configs = configIds.Select(id => state.Configs.GetValueOrDefault(id)).OfType<Config>()
            .Select(c => new AssignedFile(c.ID, c.Spec.Name, Convert.FromBase64String(c.Spec.Data ?? ""))).ToList();
        var services = tasks.Select(t => t.ServiceID).Distinct()
            .ToDictionary(id => id, id => state.Services.GetValueOrDefault(id)?.Spec.Name ?? id, StringComparer.Ordinal);
        return new NodeAssignments(Revision(tasks, secrets, configs), nodeId, tasks.Select(t => SwarmJson.ToElement(t)).ToList(), services, secrets, configs);
    }

    // Versions change with every write to a task, secret or config, so their ids and versions identify the set.
    private static string Revision(List<SwarmTask> tasks, List<AssignedFile> secrets, List<AssignedFile> configs)
    {
        var text = new StringBuilder();
        foreach (var t in tasks)
            text.Append(t.ID).Append(':').Append(t.Version.Index).Append(';');
        foreach (var f in secrets.Concat(configs).OrderBy(f => f.Id, StringComparer.Ordinal))
            text.Append(f.Id).Append(';');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
