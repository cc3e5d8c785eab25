using Berth.Kernel.Config;
using Berth.Sdk;

namespace Berth.Kernel.Runtime;

/// <summary>An OCI runtime binary (runc by default, or a <c>runtimes</c> entry of daemon.json) and its extra global arguments.</summary>
public sealed record OciRuntime(string Name, string Path, IReadOnlyList<string> Arguments)
{
    public static OciRuntime Resolve(DaemonConfig config, string? requested)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = string.IsNullOrEmpty(requested) ? config.DefaultRuntime : requested;
        if (config.Runtimes.TryGetValue(name, out var entry)) return new OciRuntime(name, Locate(entry.Path), entry.RuntimeArgs);
        if (name is "runc" or "crun") return new OciRuntime(name, Locate(name), []);
        throw BerthException.Invalid($"unknown or invalid runtime name: {name}");
    }

    /// <summary>Finds a runtime binary on PATH (or takes an absolute path as it is).</summary>
    public static string Locate(string program)
    {
        if (System.IO.Path.IsPathRooted(program))
            return File.Exists(program) ? program : throw BerthException.Invalid($"runtime binary {program} does not exist");
        var search = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var dir in search.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw BerthException.Invalid($"runtime {program} was not found in PATH (install the {program} package)");
    }
}
