using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>
/// The manager's object API (swarmkit's controlapi): validates specs, resolves names, writes through the
/// leader and renders Engine API documents. Reads are served from this manager's applied state.
/// </summary>
/// <param name="members">The raft members as this manager sees them, for the quorum check of a demotion (none: no check).</param>
public sealed partial class ControlApi(IProposer proposer, ObjectViews views, ISecretSealer sealer, TimeProvider time, Func<IReadOnlyList<MemberInfo>>? members = null)
{
    private static readonly Dictionary<ObjectKind, string[]> AcceptedFilters = new()
    {
        [ObjectKind.Node] = ["id", "label", "membership", "name", "node.label", "role"],
        [ObjectKind.Service] = ["id", "label", "mode", "name"],
        [ObjectKind.Task] = ["desired-state", "id", "label", "name", "node", "service", "_up-to-date"],
        [ObjectKind.Secret] = ["id", "label", "name", "names"],
        [ObjectKind.Config] = ["id", "label", "name", "names"],
    };

    private ClusterState State => proposer.Current;

    public JsonElement List(string apiKind, JsonElement filters)
    {
        var kind = ObjectKinds.Parse(apiKind);
        var f = Filters.Parse(filters, AcceptedFilters[kind]);
        var state = State;
        IEnumerable<StoredObject> matching = kind switch
        {
            ObjectKind.Node => state.Nodes.Values.Where(n => NodeMatches(n, f)),
            ObjectKind.Service => WithStatus(state, state.Services.Values.Where(s => ServiceMatches(s, f))),
            ObjectKind.Task => state.Tasks.Values.Where(t => TaskMatches(state, t, f)),
            ObjectKind.Secret => state.Secrets.Values.Where(s => FileMatches(s.ID, s.Spec, f)),
            ObjectKind.Config => state.Configs.Values.Where(c => FileMatches(c.ID, c.Spec, f)),
            _ => [],
        };
        return views.RenderAll(matching.OrderBy(o => o.CreatedAt).ThenBy(o => o.ID, StringComparer.Ordinal));
    }

    public JsonElement Get(string apiKind, string idOrName)
    {
        var kind = ObjectKinds.Parse(apiKind);
        return views.Render(ObjectLookup.Resolve(State, kind, idOrName));
    }

    public Task<JsonElement> CreateAsync(string apiKind, JsonElement spec, CancellationToken cancellationToken) => ObjectKinds.Parse(apiKind) switch
    {
        ObjectKind.Service => CreateServiceAsync(spec, cancellationToken),
        ObjectKind.Secret => CreateSecretAsync(spec, cancellationToken),
        ObjectKind.Config => CreateConfigAsync(spec, cancellationToken),
        var other => throw BerthException.Invalid($"{other.Noun()} objects cannot be created through this endpoint"),
    };

    public async Task<JsonElement> UpdateAsync(string apiKind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken)
    {
        try
        {
            return await UpdateOfKindAsync(apiKind, idOrName, version, spec, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException e) when (e.Message == StoreError.OutOfSequence)
        {
            // swarmkit answers it with gRPC's Unknown code, which Moby turns into a 500; clients match the text.
            throw new BerthException(BerthErrorKind.System, e.Message, e);
        }
    }

    private Task<JsonElement> UpdateOfKindAsync(string apiKind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken) =>
        ObjectKinds.Parse(apiKind) switch
        {
            ObjectKind.Service => UpdateServiceAsync(idOrName, version, spec, cancellationToken),
            ObjectKind.Node => UpdateNodeAsync(idOrName, version, spec, cancellationToken),
            ObjectKind.Secret => UpdateSecretAsync(idOrName, version, spec, cancellationToken),
            ObjectKind.Config => UpdateConfigAsync(idOrName, version, spec, cancellationToken),
            var other => throw BerthException.Invalid($"{other.Noun()} objects cannot be updated"),
        };

    public Task RemoveAsync(string apiKind, string idOrName, bool force, CancellationToken cancellationToken) => ObjectKinds.Parse(apiKind) switch
    {
        ObjectKind.Service => RemoveServiceAsync(idOrName, cancellationToken),
        ObjectKind.Node => RemoveNodeAsync(idOrName, force, cancellationToken),
        ObjectKind.Secret => RemoveSecretAsync(idOrName, cancellationToken),
        ObjectKind.Config => RemoveConfigAsync(idOrName, cancellationToken),
        var other => throw BerthException.Invalid($"{other.Noun()} objects cannot be removed"),
    };

    private static bool NodeMatches(Node n, Filters f) =>
        f.Any("id", v => Filters.IdPrefix(n.ID, v))
        && f.Any("name", v => ObjectLookup.NameOf(n) == v)
        && f.Any("role", v => n.Spec.Role == v)
        && f.Any("membership", v => v == "accepted")
        && f.Labels("label", n.Description?.Engine.Labels)
        && f.Labels("node.label", n.Spec.Labels);

    private static bool ServiceMatches(Service s, Filters f) =>
        f.Any("id", v => Filters.IdPrefix(s.ID, v))
        && f.Any("name", v => s.Spec.Name.StartsWith(v, StringComparison.Ordinal))
        && f.Any("mode", v => v == (s.Spec.Mode.IsGlobal ? "global" : "replicated"))
        && f.Labels("label", s.Spec.Labels);

    private static bool TaskMatches(ClusterState state, SwarmTask t, Filters f) =>
        f.Any("id", v => Filters.IdPrefix(t.ID, v))
        && f.Any("name", v => TaskNames.Of(state, t).StartsWith(v, StringComparison.Ordinal))
        && f.Any("desired-state", v => t.DesiredState == v || (v == "accepted" && t.DesiredState == TaskStates.Accepted))
        && f.Any("service", v => t.ServiceID == v || (state.Services.GetValueOrDefault(t.ServiceID)?.Spec.Name == v) || Filters.IdPrefix(t.ServiceID, v))
        && f.Any("node", v => t.NodeID == v || (t.NodeID is { } id && state.Nodes.GetValueOrDefault(id) is { } n && ObjectLookup.NameOf(n) == v))
        && f.Labels("label", t.Labels);

    private static bool FileMatches(string id, FileSpec spec, Filters f) =>
        f.Any("id", v => Filters.IdPrefix(id, v))
        && f.Any("name", v => spec.Name.StartsWith(v, StringComparison.Ordinal))
        && f.Any("names", v => spec.Name == v)
        && f.Labels("label", spec.Labels);

    private static IEnumerable<Service> WithStatus(ClusterState state, IEnumerable<Service> services)
    {
        var statuses = Orchestration.ServiceStatuses.Compute(state);
        return services.Select(s => s with { ServiceStatus = statuses.GetValueOrDefault(s.ID) ?? new ServiceStatus(0, 0) });
    }

    private async Task<T> WriteAsync<T>(StoreOp op, CancellationToken cancellationToken) where T : StoredObject
    {
        var state = await proposer.ProposeAsync([op], cancellationToken).ConfigureAwait(false);
        return (T)(state.Find(op.Kind, op.Id) ?? throw BerthException.NotFound($"{op.Kind.Noun()} {op.Id} not found"));
    }

    private static JsonElement IdAnswer(string id, IReadOnlyList<string>? warnings = null) =>
        SwarmJson.ToElement(new Dictionary<string, object?> { ["ID"] = id, ["Warnings"] = warnings });
}

/// <summary>Seals secret payloads before they enter the replicated log.</summary>
public interface ISecretSealer
{
    string Seal(byte[] payload);

    byte[] Open(string sealedPayload);
}

public static class TaskNames
{
    /// <summary>Docker's task name: <c>service.slot</c>, or <c>service.nodeId</c> for global tasks.</summary>
    public static string Of(ClusterState state, SwarmTask task)
    {
        var service = state.Services.GetValueOrDefault(task.ServiceID)?.Spec.Name ?? task.ServiceID;
        return task.Slot > 0 ? $"{service}.{task.Slot}" : $"{service}.{task.NodeID}";
    }
}
