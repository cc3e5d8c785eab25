using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Plugins;

/// <summary>Docker's plugin naming: a reference whose tag defaults to <c>latest</c>, shown in its familiar form.</summary>
public static partial class PluginNames
{
    /// <exception cref="BerthException">Not a valid reference (invalid parameter).</exception>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.Trim();
        foreach (var prefix in new[] { "docker.io/library/", "docker.io/" })
            if (n.StartsWith(prefix, StringComparison.Ordinal)) n = n[prefix.Length..];
        if (!Reference().IsMatch(n))
            throw BerthException.Invalid($"invalid reference format: \"{name}\" is not a valid plugin name (lowercase name[:tag])");
        var lastSlash = n.LastIndexOf('/');
        return n.IndexOf(':', lastSlash + 1) < 0 ? n + ":latest" : n;
    }

    /// <summary>The name without its tag (<c>json-log</c> for <c>json-log:latest</c>).</summary>
    public static string Repository(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var lastSlash = normalized.LastIndexOf('/');
        var colon = normalized.IndexOf(':', lastSlash + 1);
        return colon < 0 ? normalized : normalized[..colon];
    }

    [GeneratedRegex(@"^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")]
    private static partial Regex Reference();
}
