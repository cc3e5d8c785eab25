using Berth.Sdk;

namespace Berth.Kernel.Events;

/// <summary>moby's event filter: each key narrows the stream; entity keys match the actor's id (prefix) or name.</summary>
public sealed class EventFilter(IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
{
    private static readonly string[] EntityKeys = ["container", "plugin", "volume", "network", "image", "node", "service", "secret", "config"];
    private static readonly HashSet<string> ValidKeys = [.. EntityKeys, "type", "event", "scope", "daemon", "label"];

    public static EventFilter Empty { get; } = new(new Dictionary<string, IReadOnlyList<string>>());

    /// <exception cref="BerthException">An unknown filter key (invalid parameter).</exception>
    public static EventFilter Create(IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        foreach (var key in filters.Keys)
            if (!ValidKeys.Contains(key)) throw BerthException.Invalid($"invalid filter '{key}'");
        return new EventFilter(filters);
    }

    public bool Matches(EventMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Exact("type", message.Type)) return false;
        if (!Exact("scope", message.Scope)) return false;
        if (!Exact("event", message.Action) && !Exact("event", ActionStem(message.Action))) return false;
        if (!Exact("daemon", message.Actor.ID) && !Exact("daemon", Attribute(message, "name"))) return false;
        foreach (var key in EntityKeys)
        {
            if (!filters.ContainsKey(key)) continue;
            if (message.Type != key && !(key == "image" && message.Type == "container")) return false;
            var subject = key == "image" && message.Type == "container" ? Attribute(message, "image") : null;
            if (!Fuzzy(key, message.Actor.ID) && !Fuzzy(key, Attribute(message, "name")) && !Fuzzy(key, subject)) return false;
        }
        return Labels(message);
    }

    private static string ActionStem(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? action : action[..colon];
    }

    private static string? Attribute(EventMessage message, string key) =>
        message.Actor.Attributes.TryGetValue(key, out var value) ? value : null;

    private bool Exact(string key, string? value) =>
        !filters.TryGetValue(key, out var wanted) || (value is not null && wanted.Contains(value));

    private bool Fuzzy(string key, string? value) =>
        !filters.TryGetValue(key, out var wanted)
        || (value is not null && wanted.Any(w => value == w || (w.Length > 0 && value.StartsWith(w, StringComparison.Ordinal))));

    private bool Labels(EventMessage message)
    {
        if (!filters.TryGetValue("label", out var labels)) return true;
        foreach (var label in labels)
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? label : label[..eq];
            if (!message.Actor.Attributes.TryGetValue(key, out var value)) return false;
            if (eq >= 0 && value != label[(eq + 1)..]) return false;
        }
        return true;
    }
}
