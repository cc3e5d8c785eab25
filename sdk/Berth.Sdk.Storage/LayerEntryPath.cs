namespace Berth.Sdk.Storage;

/// <summary>
/// Lexical rules for the names inside a layer tar: relative, cleaned ("./a//b/../c" → "a/c"), never climbing above
/// the layer root. What the names meet on disk (symbolic links) is <see cref="LayerRootGuard"/>'s business.
/// </summary>
internal static class LayerEntryPath
{
    /// <summary>The cleaned relative path ("" for the root itself), or null when the name is absolute or climbs out of the root.</summary>
    public static string? Clean(string name)
    {
        if (name.StartsWith('/')) return null;
        if (IsClean(name)) return name.TrimEnd('/');
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0) return null;
                    parts.RemoveAt(parts.Count - 1);
                    continue;
                default:
                    parts.Add(part);
                    continue;
            }
        }
        return string.Join('/', parts);
    }

    /// <summary>Whether a relative symbolic link target, read from the link's directory, climbs above the layer root.</summary>
    public static bool ClimbsOut(string linkDirectory, string relativeTarget)
    {
        var depth = linkDirectory.Length == 0 ? 0 : linkDirectory.Count('/') + 1;
        foreach (var part in relativeTarget.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (--depth < 0) return true;
                    continue;
                default:
                    depth++;
                    continue;
            }
        }
        return false;
    }

    public static string Parent(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash < 0 ? "" : relative[..slash];
    }

    public static string BaseName(string relative) => relative[(relative.LastIndexOf('/') + 1)..];

    public static string Join(string directory, string name) => directory.Length == 0 ? name : $"{directory}/{name}";

    /// <summary>True when no component is empty, "." or ".." (a trailing slash aside): the name needs no rewriting.</summary>
    private static bool IsClean(string name)
    {
        var span = name.AsSpan().TrimEnd('/');
        if (span.IsEmpty) return name.Length == 0;
        while (true)
        {
            var slash = span.IndexOf('/');
            var part = slash < 0 ? span : span[..slash];
            if (part.IsEmpty || part is "." or "..") return false;
            if (slash < 0) return true;
            span = span[(slash + 1)..];
        }
    }
}
