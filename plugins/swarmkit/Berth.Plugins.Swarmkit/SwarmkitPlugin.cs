using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Cluster;

[assembly: BerthPlugin(typeof(Berth.Plugins.Swarmkit.SwarmkitPlugin))]

namespace Berth.Plugins.Swarmkit;

/// <summary>
/// The swarm-mode cluster backend. It reports the node's swarm state (inactive); swarm operations
/// are not built yet and say so.
/// </summary>
public sealed class SwarmkitPlugin : IClusterBackend
{
    public Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new SwarmStatus("inactive", "", "", ControlAvailable: false, "", []));

    public Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken) => throw NotYet();
    public Task JoinAsync(JsonElement request, CancellationToken cancellationToken) => throw NotYet();
    public Task LeaveAsync(bool force, CancellationToken cancellationToken) =>
        throw new BerthException(BerthErrorKind.Unavailable, "This node is not part of a swarm");
    public Task<JsonElement> InspectAsync(CancellationToken cancellationToken) => throw NotManager();
    public Task UpdateAsync(long version, JsonElement spec, SwarmUpdateFlags flags, CancellationToken cancellationToken) => throw NotManager();
    public Task UnlockAsync(string unlockKey, CancellationToken cancellationToken) => throw NotManager();
    public Task<string> GetUnlockKeyAsync(CancellationToken cancellationToken) => throw NotManager();
    public Task<JsonElement> ListAsync(string kind, JsonElement filters, CancellationToken cancellationToken) => throw NotManager();
    public Task<JsonElement> GetAsync(string kind, string idOrName, CancellationToken cancellationToken) => throw NotManager();
    public Task<JsonElement> CreateAsync(string kind, JsonElement spec, CancellationToken cancellationToken) => throw NotManager();
    public Task<JsonElement> UpdateObjectAsync(string kind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken) => throw NotManager();
    public Task RemoveAsync(string kind, string idOrName, bool force, CancellationToken cancellationToken) => throw NotManager();

    public Task<NodeAssignments> GetAssignmentsAsync(string knownRevision, CancellationToken cancellationToken) =>
        Task.FromResult(new NodeAssignments("", "", [], new Dictionary<string, string>(), [], []));
    public Task ReportTaskStatusAsync(IReadOnlyList<TaskStatusReport> reports, CancellationToken cancellationToken) => throw NotManager();

    private static BerthException NotYet() =>
        BerthException.NotImplemented("swarmkit: swarm mode is not implemented yet by this version of Berth");

    // Moby's words for every manager-only call on a node outside a swarm.
    private static BerthException NotManager() => new(BerthErrorKind.Unavailable,
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.");
}
