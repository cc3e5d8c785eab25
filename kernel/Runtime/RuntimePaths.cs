namespace Berth.Kernel.Runtime;

/// <summary>
/// Where one container's runtime files live. Volatile ones (bundle, monitor sockets, the captured output, the exit
/// file) sit under the exec root, as containerd's do under /run; they outlive berthd but not a reboot.
/// </summary>
public sealed record RuntimePaths(string ExecRoot, string Id)
{
    public string Bundle => Path.Combine(ExecRoot, "containers", Id);
    public string Rootfs => Path.Combine(Bundle, "rootfs");
    public string Spec => Path.Combine(Bundle, "config.json");
    public string MonitorLog => Path.Combine(Bundle, "conmon.log");
    public string Output => Path.Combine(Bundle, "ctr.log");
    public string Pidfile => Path.Combine(Bundle, "pidfile");
    public string MonitorPidfile => Path.Combine(Bundle, "conmon.pid");
    public string Ctl => Path.Combine(Bundle, "ctl");
    public string OomFile => Path.Combine(Bundle, "oom");
    public string LogFifo => Path.Combine(Bundle, "log.fifo");

    /// <summary>The FIFO of the local log cache (dual logging) for drivers that cannot read logs back.</summary>
    public string LogCacheFifo => Path.Combine(Bundle, "log-cache.fifo");
    public string ExitFile => Path.Combine(ExitDirectory(ExecRoot), Id);

    /// <summary>conmon's attach socket, in the bundle (connect through <see cref="Monitor.AttachConnection"/>, which copes with long paths).</summary>
    public string AttachSocket => Path.Combine(Bundle, "attach");

    public string ExecBundle(string execId) => Path.Combine(Bundle, "exec", execId);

    public static string ExitDirectory(string execRoot) => Path.Combine(execRoot, "exits");
    public static string SocketDirectory(string execRoot) => Path.Combine(execRoot, "s");
    public static string RuncRoot(string execRoot) => Path.Combine(execRoot, "runc");
    public static string ShortId(string id) => id.Length > 12 ? id[..12] : id;
}
