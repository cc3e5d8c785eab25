using System.Globalization;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// What a test daemon's containers may leave when the daemon did not stop them (killed, live-restore): their
/// runc containers (deleted with --force, which kills them), their conmon monitors (not berthd's children once
/// daemonised; found by the root in their command line and ended by PID) and the rootfs mounts under its exec root.
/// </summary>
public static class ContainerLeftovers
{
    public static async Task RemoveAsync(string root)
    {
        var runcRoot = Path.Combine(root, "exec", "runc");
        if (Directory.Exists(runcRoot))
        {
            foreach (var container in Directory.EnumerateDirectories(runcRoot))
                await Processes.RunAsync("runc", ["--root", runcRoot, "delete", "--force", Path.GetFileName(container)]);
        }
        foreach (var pid in MonitorsUnder(root))
            await Processes.RunAsync("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        var execRoot = Path.Combine(root, "exec");
        if (Directory.Exists(execRoot)) MountHelper.UnmountAllUnder(execRoot); // container root file systems; the test owns any other mount
    }

    private static IEnumerable<int> MonitorsUnder(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            if (commandLine.StartsWith("/usr/bin/conmon ", StringComparison.Ordinal) && commandLine.Contains(root + "/", StringComparison.Ordinal)) yield return pid;
        }
    }
}
