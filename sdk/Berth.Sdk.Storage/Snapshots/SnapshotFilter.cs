using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Storage.Snapshots;

/// <summary>
/// containerd's snapshot filters: <c>name==x</c>, <c>parent==y</c>, <c>kind==committed</c>, <c>labels."k"==v</c>
/// (also <c>!=</c>, and a bare <c>labels."k"</c> for presence). Every filter must match.
/// </summary>
public static class SnapshotFilter
{
    public static bool Matches(SnapshotInfo info, IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(filters);
        foreach (var filter in filters)
        {
            if (string.IsNullOrWhiteSpace(filter)) continue;
            if (!MatchesOne(info, filter.Trim())) return false;
        }
        return true;
    }

    private static bool MatchesOne(SnapshotInfo info, string filter)
    {
        var negate = false;
        var at = filter.IndexOf("==", StringComparison.Ordinal);
        if (at < 0)
        {
            at = filter.IndexOf("!=", StringComparison.Ordinal);
            negate = at >= 0;
        }
        var field = (at < 0 ? filter : filter[..at]).Trim();
        var value = at < 0 ? null : Unquote(filter[(at + 2)..].Trim());
        var actual = Field(info, field);
        if (value is null) return actual is not null;
        return negate ? actual != value : actual == value;
    }

    private static string? Field(SnapshotInfo info, string field)
    {
        switch (field)
        {
            case "name": return info.Name;
            case "parent": return info.Parent ?? "";
            case "kind": return info.Kind.ToString().ToLowerInvariant();
        }
        if (field.StartsWith("labels.", StringComparison.Ordinal))
            return info.Labels.TryGetValue(Unquote(field["labels.".Length..]), out var label) ? label : null;
        throw BerthException.Invalid($"snapshot filter: unknown field \"{field}\" (use name, parent, kind or labels.\"key\")");
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
