using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>
/// Finds a Docker v1 plugin by name as moby's <c>pkg/plugins/discovery.go</c> does: first a socket
/// <c>&lt;sockets&gt;/&lt;name&gt;.sock</c> or <c>&lt;sockets&gt;/&lt;name&gt;/&lt;name&gt;.sock</c>, then a spec file
/// <c>&lt;name&gt;.spec</c> / <c>&lt;name&gt;.json</c> (also in a <c>&lt;name&gt;/</c> sub-folder) in each spec directory. First match wins.
/// </summary>
public sealed class V1PluginDiscovery(string socketsDirectory, IReadOnlyList<string> specDirectories)
{
    /// <summary>Docker's locations on Linux.</summary>
    public static V1PluginDiscovery Default { get; } = new("/run/docker/plugins", ["/etc/docker/plugins", "/usr/lib/docker/plugins"]);

    /// <summary>The plugin's address, or null when no socket or spec file of that name exists.</summary>
    /// <exception cref="BerthException">A spec file exists but cannot be used (400).</exception>
    public V1PluginAddress? Locate(string name)
    {
        if (!IsPluginName(name)) return null;
        foreach (var socket in new[] { Path.Combine(socketsDirectory, name + ".sock"), Path.Combine(socketsDirectory, name, name + ".sock") })
        {
            if (IsSocket(socket)) return new V1PluginAddress(name, new Uri("unix://" + socket), socket);
        }
        foreach (var dir in specDirectories)
        {
            foreach (var candidate in SpecCandidates(dir, name))
            {
                if (File.Exists(candidate)) return V1SpecFile.Read(name, candidate);
            }
        }
        return null;
    }

    /// <summary>A plain name: no path separators or dot segments, so a name can never point outside the plugin directories.</summary>
    public static bool IsPluginName(string? name) =>
        !string.IsNullOrEmpty(name) && name != "." && name != ".." && name.IndexOfAny(['/', '\\', '\0']) < 0;

    private static IEnumerable<string> SpecCandidates(string dir, string name)
    {
        foreach (var extension in new[] { ".spec", ".json" })
        {
            yield return Path.Combine(dir, name + extension);
            yield return Path.Combine(dir, name, name + extension);
        }
    }

    /// <summary>Moby checks <c>os.Stat(path).Mode()&amp;ModeSocket</c>: a socket, following symlinks.</summary>
    private static bool IsSocket(string path)
    {
        try
        {
            return (Runtime.Spec.SpecNative.Stat(path, followSymlinks: true).Mode & 0xF000) == 0xC000;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
