using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Finds an object as Moby does: full id, then name (hostname for nodes), then a unique id prefix.</summary>
public static class ObjectLookup
{
    public static T Resolve<T>(ClusterState state, ObjectKind kind, string idOrName) where T : StoredObject =>
        (T)Resolve(state, kind, idOrName);

    public static StoredObject Resolve(ClusterState state, ObjectKind kind, string idOrName)
    {
        if (string.IsNullOrEmpty(idOrName))
            throw BerthException.NotFound($"{kind.Noun()} not found");
        if (state.Find(kind, idOrName) is { } exact)
            return exact;
        var all = state.All(kind).ToList();
        var named = all.Where(o => NameOf(o) == idOrName).ToList();
        if (named.Count == 1)
            return named[0];
        if (named.Count > 1)
            throw BerthException.Conflict($"{kind.Noun()} {idOrName} is ambiguous ({named.Count} matches found)");
        var prefixed = all.Where(o => o.ID.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
        return prefixed.Count switch
        {
            1 => prefixed[0],
            0 => throw BerthException.NotFound($"{kind.Noun()} {idOrName} not found"),
            _ => throw BerthException.Conflict($"{kind.Noun()} {idOrName} is ambiguous ({prefixed.Count} matches found)"),
        };
    }

    public static string? NameOf(StoredObject value) => value switch
    {
        Node n => n.Spec.Name is { Length: > 0 } name ? name : n.Description?.Hostname,
        SwarmTask t => t.Name,
        _ => value.UniqueName,
    };
}
