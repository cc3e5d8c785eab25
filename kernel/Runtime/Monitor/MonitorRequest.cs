namespace Berth.Kernel.Runtime.Monitor;

/// <summary>What conmon needs to start a container's init process (or, with an exec id, one exec process).</summary>
/// <param name="StdinOnce">Close the process's stdin when the first attached client lets go (Docker's StdinOnce).</param>
public sealed record MonitorRequest(
    RuntimePaths Paths,
    string Name,
    OciRuntime Runtime,
    bool Tty,
    bool OpenStdin,
    bool StdinOnce);

/// <summary>An exec process: its own bundle folder holding process.json, its attach socket and exit file.</summary>
public sealed record ExecMonitorRequest(RuntimePaths Paths, string ExecId, OciRuntime Runtime, bool Tty, bool OpenStdin)
{
    public string Bundle => Paths.ExecBundle(ExecId);
    public string ProcessSpec => Path.Combine(Bundle, "process.json");
    public string AttachSocket => Path.Combine(Bundle, "attach");
    public string Ctl => Path.Combine(Bundle, "ctl");
}
