using Berth.Kernel.Containers;
using Berth.Kernel.Images;
using Berth.Sdk;

namespace Berth.Kernel.Api.Containers;

/// <summary><c>docker ps --filter</c>: id, name, label, exited, status, ancestor, before, since, volume, network, health.</summary>
public sealed class ContainerFilters
{
    private static readonly HashSet<string> Known = ["id", "name", "label", "exited", "status", "ancestor", "before", "since", "volume", "network", "health", "is-task", "publish", "expose", "isolation"];
    private static readonly HashSet<string> Statuses = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];

    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> filters;
    private readonly DateTimeOffset? before;
    private readonly DateTimeOffset? since;
    private readonly HashSet<string> ancestors = new(StringComparer.Ordinal);

    private ContainerFilters(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, DateTimeOffset? before, DateTimeOffset? since)
    {
        this.filters = filters;
        this.before = before;
        this.since = since;
    }

    public static ContainerFilters Parse(string? text, ContainerStore store, ImageService images)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(images);
        var parsed = FilterArgs.Parse(text);
        foreach (var key in parsed.Keys)
            if (!Known.Contains(key)) throw BerthException.Invalid($"invalid filter '{key}'");
        foreach (var status in Values(parsed, "status"))
            if (!Statuses.Contains(status)) throw BerthException.Invalid($"invalid filter 'status={status}'");
        foreach (var exited in Values(parsed, "exited"))
            if (!int.TryParse(exited, out _)) throw BerthException.Invalid($"invalid filter 'exited={exited}'");
        var filters = new ContainerFilters(parsed,
            Values(parsed, "before").Select(b => store.Get(b).Created).Cast<DateTimeOffset?>().FirstOrDefault(),
            Values(parsed, "since").Select(s => store.Get(s).Created).Cast<DateTimeOffset?>().FirstOrDefault());
        foreach (var ancestor in Values(parsed, "ancestor"))
            if (images.TryResolve(ancestor) is { } image) filters.ancestors.Add(image.Id);
        return filters;
    }

    public bool HasStatusOrExited => filters.ContainsKey("status") || filters.ContainsKey("exited");

    public bool Matches(Container c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (Any("id", v => c.Id.StartsWith(v, StringComparison.Ordinal)) is false) return false;
        if (Any("name", v => c.Name.TrimStart('/').Contains(v.TrimStart('/'), StringComparison.Ordinal)) is false) return false;
        if (All("label", v => LabelMatches(c, v)) is false) return false;
        if (Any("status", v => v == c.State.Status) is false) return false;
        if (Any("exited", v => !c.State.Running && c.HasBeenStartedBefore && c.State.ExitCode.ToString(global::System.Globalization.CultureInfo.InvariantCulture) == v) is false) return false;
        if (filters.ContainsKey("ancestor") && !ancestors.Contains(c.ImageId) && Any("ancestor", v => v == c.ImageName) is false) return false;
        if (before is { } b && c.Created >= b) return false;
        if (since is { } s && c.Created <= s) return false;
        if (Any("volume", v => c.Mounts.Any(m => m.Name == v || m.Destination == v || m.Source == v)) is false) return false;
        if (Any("network", v => v == c.NetworkMode) is false) return false;
        if (Any("health", v => v == (c.State.Health?.Status ?? "none")) is false) return false;
        if (Any("is-task", v => (v == "true") == c.Labels.ContainsKey("com.docker.swarm.task")) is false) return false;
        return true;
    }

    private static bool LabelMatches(Container c, string filter)
    {
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0) return c.Labels.ContainsKey(filter);
        return c.Labels.TryGetValue(filter[..eq], out var value) && value == filter[(eq + 1)..];
    }

    private bool? Any(string key, Func<string, bool> test) => filters.TryGetValue(key, out var values) && values.Count > 0 ? values.Any(test) : null;

    private bool? All(string key, Func<string, bool> test) => filters.TryGetValue(key, out var values) && values.Count > 0 ? values.All(test) : null;

    private static IReadOnlyList<string> Values(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string key) =>
        filters.TryGetValue(key, out var values) ? values : [];
}
