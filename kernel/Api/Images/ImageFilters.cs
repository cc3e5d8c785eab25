using System.Text.RegularExpressions;
using Berth.Kernel.Images;
using Berth.Kernel.Images.Store;
using Berth.Sdk;

namespace Berth.Kernel.Api.Images;

/// <summary>
/// <c>docker images</c> / <c>docker image prune</c> filters: dangling, label (key or key=value, label! to exclude),
/// before/since (an image), reference (a path.Match glob on the familiar name) and until (prune).
/// </summary>
public sealed class ImageFilters
{
    private static readonly HashSet<string> ListKeys = ["dangling", "label", "before", "since", "reference", "until"];
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> filters;
    private readonly DateTimeOffset? before, since, until;
    private readonly List<Regex>? references;

    private ImageFilters(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, DateTimeOffset? before, DateTimeOffset? since, DateTimeOffset? until)
    {
        this.filters = filters;
        references = filters.TryGetValue("reference", out var patterns)
            ? [.. patterns.Select(p => new Regex("^" + GlobToRegex(p) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))]
            : null;
        this.before = before;
        this.since = since;
        this.until = until;
    }

    public static ImageFilters Parse(string? text, ImageService images, IReadOnlySet<string>? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var filters = FilterArgs.Parse(text);
        foreach (var key in filters.Keys)
            if (!(allowed ?? ListKeys).Contains(key)) throw BerthException.Invalid($"invalid filter '{key}'");
        if (filters.TryGetValue("dangling", out var dangling))
            foreach (var value in dangling)
                if (value is not ("true" or "false" or "1" or "0")) throw BerthException.Invalid($"invalid filter 'dangling={value}'");
        return new ImageFilters(filters,
            filters.TryGetValue("before", out var b) ? b.Select(v => images.Resolve(v).Config.Created ?? DateTimeOffset.MinValue).Min() : null,
            filters.TryGetValue("since", out var s) ? s.Select(v => images.Resolve(v).Config.Created ?? DateTimeOffset.MinValue).Max() : null,
            filters.TryGetValue("until", out var u) ? u.Select(v => Timestamps.Parse(v, "until") ?? DateTimeOffset.MaxValue).Min() : null);
    }

    /// <summary>The <c>dangling</c> filter's value, if given.</summary>
    public bool? Dangling => filters.TryGetValue("dangling", out var values) ? values.Any(v => v is "true" or "1") : null;

    public bool Matches(ImageService images, ImageEntry image, bool ignoreDangling = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(image);
        var created = image.Config.Created ?? DateTimeOffset.MinValue;
        if (before is { } b && created >= b) return false;
        if (since is { } s && created <= s) return false;
        if (until is { } u && created >= u) return false;
        var tags = ImageViews.RepoTags(images, image);
        if (!ignoreDangling && Dangling is { } dangling && dangling != (tags.Count == 0 && ImageViews.RepoDigests(images, image).Count == 0)) return false;
        if (filters.TryGetValue("label", out var labels) && !labels.All(l => HasLabel(image, l))) return false;
        if (filters.TryGetValue("label!", out var notLabels) && notLabels.Any(l => HasLabel(image, l))) return false;
        if (references is not null && !references.Any(r => tags.Any(t => ReferenceMatches(r, t)))) return false;
        return true;
    }

    private static bool HasLabel(ImageEntry image, string filter)
    {
        var parts = filter.Split('=', 2);
        return image.Config.Labels.TryGetValue(parts[0], out var value) && (parts.Length == 1 || value == parts[1]);
    }

    /// <summary>Moby matches the pattern against the familiar name with its tag, and against the name alone.</summary>
    private static bool ReferenceMatches(Regex regex, string familiarTag)
    {
        var colon = familiarTag.LastIndexOf(':');
        var name = colon > familiarTag.LastIndexOf('/') ? familiarTag[..colon] : familiarTag;
        return regex.IsMatch(familiarTag) || regex.IsMatch(name);
    }

    /// <summary>Go's path.Match syntax: <c>*</c> and <c>?</c> stop at <c>/</c>; <c>[…]</c> classes.</summary>
    private static string GlobToRegex(string pattern)
    {
        var sb = new global::System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0) throw BerthException.Invalid($"invalid reference filter pattern \"{pattern}\"");
                    var cls = pattern[(i + 1)..end];
                    sb.Append('[').Append(cls.StartsWith('^') ? "^" + Regex.Escape(cls[1..]) : Regex.Escape(cls)).Append(']');
                    i = end;
                    break;
                case '\\' when i + 1 < pattern.Length: sb.Append(Regex.Escape(pattern[++i].ToString())); break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }
}
