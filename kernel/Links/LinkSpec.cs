using Berth.Sdk;

namespace Berth.Kernel.Links;

/// <summary>One legacy <c>--link</c> entry of HostConfig.Links: the linked container's name and the alias the parent uses.</summary>
public readonly record struct LinkSpec(string Name, string Alias)
{
    /// <summary>
    /// Parses <c>name:alias</c> or <c>name</c> (alias = name), and the stored form inspect shows,
    /// <c>/name:/parent/alias</c>, as moby's opts.ParseLink.
    /// </summary>
    /// <exception cref="BerthException">Invalid parameter: <c>empty string specified for links</c>, <c>bad format for links: x</c>.</exception>
    public static LinkSpec Parse(string value)
    {
        if (string.IsNullOrEmpty(value)) throw BerthException.Invalid("empty string specified for links");
        var parts = value.Split(':');
        if (parts.Length > 2) throw BerthException.Invalid($"bad format for links: {value}");
        if (parts.Length == 1) return new LinkSpec(value, value);
        if (parts[0].StartsWith('/'))
        {
            var alias = parts[1][(parts[1].LastIndexOf('/') + 1)..];
            return new LinkSpec(parts[0][1..], alias);
        }
        return new LinkSpec(parts[0], parts[1]);
    }

    /// <summary>The entry container inspect reports in HostConfig.Links: <c>/child:/parent/alias</c>.</summary>
    public static string FormatForInspect(string childName, string linkName) => $"{childName}:{linkName}";
}
