namespace Berth.Kernel.Runtime.Spec;

/// <summary>Docker's environment rules (moby container.ReplaceOrAppendEnvValues and CreateDaemonEnvironment).</summary>
public static class EnvironmentMerge
{
    /// <summary>The PATH a container gets when its image and config set none (moby oci.DefaultPathEnv).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>PATH, HOSTNAME and (with a tty) TERM=xterm, overridden by <paramref name="configEnv"/>.</summary>
    public static IReadOnlyList<string> DaemonEnvironment(string hostname, bool tty, IReadOnlyList<string> configEnv)
    {
        var defaults = new List<string> { "PATH=" + DefaultPath, "HOSTNAME=" + hostname };
        if (tty) defaults.Add("TERM=xterm");
        return ReplaceOrAppend(defaults, configEnv);
    }

    /// <summary>
    /// Each override "K=V" replaces the default with key K in place or is appended; a bare "K" removes K. Only the
    /// defaults are looked up, so repeated overrides of a new key are all appended — exactly as Moby does.
    /// </summary>
    public static IReadOnlyList<string> ReplaceOrAppend(IReadOnlyList<string> defaults, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(overrides);
        var result = new List<string>(defaults);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < result.Count; i++) index[Key(result[i])] = i;
        foreach (var value in overrides)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (index.TryGetValue(value, out var removed)) result[removed] = "";
                continue;
            }
            if (index.TryGetValue(value[..equals], out var existing)) result[existing] = value;
            else result.Add(value);
        }
        return result.Where(v => v.Length > 0).ToList();
    }

    private static string Key(string entry)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? entry : entry[..equals];
    }
}
