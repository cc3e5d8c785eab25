namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// An exec's process settings (Engine API ExecConfig). Empty <paramref name="User"/> and <paramref name="WorkingDir"/>
/// mean the container's. <paramref name="GroupAdd"/> is the container's HostConfig.GroupAdd, applied when the exec names
/// its own user, as Moby does.
/// </summary>
public sealed record ExecRequest(
    IReadOnlyList<string> Cmd,
    IReadOnlyList<string> Env,
    string User,
    string WorkingDir,
    bool Tty,
    bool Privileged,
    IReadOnlyList<string>? GroupAdd = null);
