using Berth.Sdk;

namespace Berth.Kernel.Names;

/// <summary>
/// Container names → container ids, in memory, as moby's names table: every name in Docker form (leading "/"),
/// including the legacy-link names <c>/parent/alias</c> that point at the linked (child) container. The container
/// store rebuilds it at start by calling <see cref="Reserve"/> for each container (and <see cref="ReserveLink"/> for
/// each link). Thread-safe; every operation is atomic.
/// </summary>
public sealed partial class NameRegistry
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> idByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> namesById = new(StringComparer.Ordinal);
    private readonly Random? random;

    /// <param name="random">Source of generated names; <see cref="Random.Shared"/> when null (tests pass a seeded one).</param>
    public NameRegistry(Random? random = null) => this.random = random;

    /// <summary>Checks a client-supplied name against Docker's rule and returns its "/"-prefixed form.</summary>
    /// <exception cref="BerthException">Invalid parameter: <c>Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed</c>.</exception>
    public static string Validate(string name) => ContainerNameRules.Validate(name);

    /// <summary>Reserves <paramref name="name"/> (with or without its leading "/") for <paramref name="id"/>; idempotent for the same id.</summary>
    /// <exception cref="BerthException">Conflict, with Docker's message naming the holder's full id.</exception>
    public void Reserve(string name, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(id);
        var canonical = ContainerNameRules.Canonical(name);
        lock (gate)
        {
            if (!TryReserveLocked(canonical, id, out var holder)) throw ContainerNameRules.Conflict(canonical, holder);
        }
    }

    /// <summary>
    /// Reserves the legacy-link name <c>/parent/alias</c> for the child container. As moby's registerLink, a name
    /// already held by another container is not an error: the link is skipped and this returns false.
    /// </summary>
    public bool ReserveLink(string parentName, string alias, string childId)
    {
        ArgumentException.ThrowIfNullOrEmpty(childId);
        var name = LinkName(parentName, alias);
        lock (gate) return TryReserveLocked(name, childId, out _);
    }

    /// <summary>The name a parent uses for a linked container: <c>/parent/alias</c>.</summary>
    public static string LinkName(string parentName, string alias)
    {
        ArgumentException.ThrowIfNullOrEmpty(parentName);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        var bareAlias = alias.Trim('/');
        if (bareAlias.Length == 0) throw new ArgumentException("A link alias must not be empty.", nameof(alias));
        return ContainerNameRules.Canonical(parentName).TrimEnd('/') + "/" + bareAlias;
    }

    /// <summary>Frees a name; nothing happens when it is not reserved.</summary>
    public void Release(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (gate) ReleaseLocked(ContainerNameRules.Canonical(name));
    }

    /// <summary>Frees every name that points at <paramref name="id"/> (its own name and the link names others use for it), as moby does when a container is removed.</summary>
    public IReadOnlyList<string> ReleaseAll(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        lock (gate)
        {
            if (!namesById.Remove(id, out var names)) return [];
            foreach (var name in names) idByName.Remove(name);
            return [.. names];
        }
    }

    /// <summary>Frees the link names <c>/parent/*</c> of a parent being removed; returns them.</summary>
    public IReadOnlyList<string> ReleaseChildrenOf(string parentName)
    {
        lock (gate)
        {
            var released = ChildNamesLocked(parentName);
            foreach (var name in released) ReleaseLocked(name);
            return released;
        }
    }

    /// <summary>The id holding <paramref name="name"/> (with or without its leading "/"), or null.</summary>
    public string? Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return null;
        lock (gate) return idByName.GetValueOrDefault(ContainerNameRules.Canonical(name));
    }

    /// <summary>Every name pointing at <paramref name="id"/>, in ordinal order (Docker lists link names too, e.g. <c>/web/db</c>).</summary>
    public IReadOnlyList<string> NamesOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (gate) return namesById.TryGetValue(id, out var names) ? [.. names] : [];
    }

    /// <summary>The links of a parent: link name (<c>/parent/alias</c>) → child id.</summary>
    public IReadOnlyDictionary<string, string> LinksOf(string parentName)
    {
        lock (gate) return ChildNamesLocked(parentName).ToDictionary(name => name, name => idByName[name], StringComparer.Ordinal);
    }

    private List<string> ChildNamesLocked(string parentName)
    {
        ArgumentException.ThrowIfNullOrEmpty(parentName);
        var prefix = ContainerNameRules.Canonical(parentName).TrimEnd('/') + "/";
        return [.. idByName.Keys.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    private bool TryReserveLocked(string name, string id, out string holder)
    {
        if (idByName.TryGetValue(name, out holder!)) return holder == id;
        idByName[name] = id;
        if (!namesById.TryGetValue(id, out var names)) namesById[id] = names = new SortedSet<string>(StringComparer.Ordinal);
        names.Add(name);
        holder = id;
        return true;
    }

    private void ReleaseLocked(string name)
    {
        if (!idByName.Remove(name, out var id)) return;
        if (namesById.TryGetValue(id, out var names) && names.Remove(name) && names.Count == 0) namesById.Remove(id);
    }
}
