namespace Berth.Sdk.Storage.Snapshots;

/// <summary>containerd's label update rules: field path <c>labels</c> replaces all, <c>labels.&lt;key&gt;</c> sets or removes one.</summary>
public static class SnapshotLabels
{
    public static IReadOnlyDictionary<string, string> Update(
        IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> requested, IReadOnlyList<string> fieldPaths)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(fieldPaths);
        if (fieldPaths.Count == 0 || fieldPaths.Contains("labels")) return new Dictionary<string, string>(requested);
        var labels = new Dictionary<string, string>(current);
        foreach (var path in fieldPaths)
        {
            if (!path.StartsWith("labels.", StringComparison.Ordinal))
                throw BerthException.Invalid($"cannot update {path} of a snapshot: only labels can change");
            var key = path["labels.".Length..];
            if (requested.TryGetValue(key, out var value)) labels[key] = value;
            else labels.Remove(key);
        }
        return labels;
    }
}
