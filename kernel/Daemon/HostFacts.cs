namespace Berth.Kernel.Daemon;

/// <summary>Facts about this machine for <c>docker info</c> and <c>docker version</c>, read from /proc and /sys.</summary>
public static class HostFacts
{
    public static string KernelVersion => ReadOr("/proc/sys/kernel/osrelease", "unknown").Trim();

    public static string OperatingSystem
    {
        get
        {
            foreach (var line in File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release") : [])
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) return line["PRETTY_NAME=".Length..].Trim('"');
            return "Linux";
        }
    }

    public static string OsVersion
    {
        get
        {
            foreach (var line in File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release") : [])
                if (line.StartsWith("VERSION_ID=", StringComparison.Ordinal)) return line["VERSION_ID=".Length..].Trim('"');
            return "";
        }
    }

    /// <summary>"2" on a unified hierarchy, "1" on legacy or hybrid (v1 controllers + a v2 mount), as dockerd reports.</summary>
    public static string CgroupVersion => File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";

    public static long MemTotal
    {
        get
        {
            foreach (var line in File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo") : [])
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                return long.TryParse(kb, out var v) ? v * 1024 : 0;
            }
            return 0;
        }
    }

    public static string Architecture => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };

    public static string GoArch => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string ReadOr(string path, string fallback) => File.Exists(path) ? File.ReadAllText(path) : fallback;
}
