namespace Berth.PluginHost;

/// <summary><c>berth-plugin-host NAME VERSION --package DIR --root DIR</c>: name and version first so <c>ps</c> tells hosts apart.</summary>
internal sealed record HostArguments(string Name, string Version, string Package, string Root)
{
    public static HostArguments? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        if (args.Count < 2)
        {
            error.WriteLine("usage: berth-plugin-host NAME VERSION --package DIR --root DIR");
            return null;
        }
        string? package = null, root = null;
        for (var i = 2; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--package": package = value; i++; break;
                case "--root": root = value; i++; break;
                default:
                    error.WriteLine($"berth-plugin-host: unknown argument {args[i]}");
                    return null;
            }
        }
        if (package is null || root is null)
        {
            error.WriteLine("berth-plugin-host: --package and --root are required");
            return null;
        }
        return new HostArguments(args[0], args[1], package, root);
    }
}
