using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Volumes;

/// <summary>
/// Moby's volume filters. <c>docker volume ls</c>: <c>name</c> (exact or a regular expression found anywhere in the name),
/// <c>driver</c>, <c>label</c> (<c>key</c> or <c>key=value</c>, all must match) and <c>dangling</c> (true/false/1/0).
/// <c>docker volume prune</c>: <c>label</c>, <c>label!</c> (excludes a volume when every one matches) and <c>all</c>; without
/// <c>all=true</c> only anonymous volumes are candidates, as in Docker ≥ 23 (API ≥ 1.42).
/// </summary>
public sealed class VolumeFilters
{
    private static readonly string[] ListKeys = ["dangling", "name", "driver", "label"];
    private static readonly string[] PruneKeys = ["label", "label!", "all"];
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<string>? names, drivers, labels, notLabels;
    private readonly bool? dangling;

    private VolumeFilters(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, IReadOnlyList<string>? labels, bool? dangling)
    {
        names = filters.GetValueOrDefault("name");
        drivers = filters.GetValueOrDefault("driver");
        this.labels = labels;
        notLabels = filters.GetValueOrDefault("label!");
        this.dangling = dangling;
    }

    public static VolumeFilters None { get; } = new(new Dictionary<string, IReadOnlyList<string>>(), null, null);

    /// <exception cref="BerthException">Invalid parameter: an unknown filter or a bad <c>dangling</c> value.</exception>
    public static VolumeFilters ForList(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters)
    {
        if (filters is null || filters.Count == 0) return None;
        CheckKeys(filters, ListKeys);
        bool? dangling = null;
        if (filters.TryGetValue("dangling", out var values))
        {
            var isFalse = values.Any(v => v is "0" or "false");
            var isTrue = values.Any(v => v is "1" or "true");
            if (isFalse == isTrue) throw BerthException.Invalid($"invalid filter 'dangling={string.Join(',', values)}'");
            dangling = isTrue;
        }
        return new VolumeFilters(filters, filters.GetValueOrDefault("label"), dangling);
    }

    /// <param name="allVolumes">True for API versions before 1.42, which pruned named volumes too.</param>
    /// <exception cref="BerthException">Invalid parameter: an unknown filter or a bad <c>all</c> value.</exception>
    public static VolumeFilters ForPrune(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters, bool allVolumes = false)
    {
        filters ??= new Dictionary<string, IReadOnlyList<string>>();
        var all = allVolumes;
        if (filters.TryGetValue("all", out var values))
        {
            if (values.Count > 1) throw BerthException.Invalid($"invalid filter 'all=[{string.Join(' ', values)}]': only one value is expected");
            if (values.Count == 1) all |= ParseGoBool(values[0]);
        }
        CheckKeys(filters, PruneKeys);
        var labels = filters.GetValueOrDefault("label") ?? [];
        return new VolumeFilters(filters, all ? labels : [.. labels, VolumeNames.AnonymousLabel], dangling: null);
    }

    /// <param name="inUse">Whether any container references the volume (the opposite of dangling).</param>
    public bool Matches(Volume volume, bool inUse)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (drivers is not null && !drivers.Contains(volume.Driver, StringComparer.Ordinal)) return false;
        if (names is not null && !names.Any(n => NameMatches(n, volume.Name))) return false;
        if (labels is { Count: > 0 } && !AllLabelsMatch(labels, volume.Labels)) return false;
        if (notLabels is { Count: > 0 } && AllLabelsMatch(notLabels, volume.Labels)) return false;
        if (dangling is { } d && d == inUse) return false;
        return true;
    }

    private static void CheckKeys(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string[] accepted)
    {
        foreach (var key in filters.Keys)
            if (!accepted.Contains(key, StringComparer.Ordinal)) throw BerthException.Invalid($"invalid filter '{key}'");
    }

    /// <summary>moby's filters.Args.MatchKVList: every <c>key</c> / <c>key=value</c> holds.</summary>
    private static bool AllLabelsMatch(IReadOnlyList<string> filters, IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0) return false;
        foreach (var filter in filters)
        {
            var parts = filter.Split('=', 2);
            if (!labels.TryGetValue(parts[0], out var value)) return false;
            if (parts.Length == 2 && parts[1] != value) return false;
        }
        return true;
    }

    /// <summary>moby's filters.Args.Match: equal, or the value as a regular expression matches somewhere (invalid ones match nothing).</summary>
    private static bool NameMatches(string pattern, string name)
    {
        if (pattern == name) return true;
        try
        {
            return Regex.IsMatch(name, pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    private static bool ParseGoBool(string value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw BerthException.Invalid($"invalid filter 'all': strconv.ParseBool: parsing \"{value}\": invalid syntax"),
    };
}
