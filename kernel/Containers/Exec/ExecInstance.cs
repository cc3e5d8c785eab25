using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Containers.Exec;

/// <summary>One <c>docker exec</c>: the request as created, then its run (pid, exit code), as GET /exec/{id}/json shows it.</summary>
public sealed class ExecInstance
{
    public required string Id { get; init; }
    public required string ContainerId { get; init; }
    public required JsonObject Config { get; init; }

    public bool Running { get; set; }
    public bool Started { get; set; }
    public int? ExitCode { get; set; }
    public int Pid { get; set; }

    public IReadOnlyList<string> Cmd => JsonRead.Strings(Config, "Cmd");
    public bool Tty => Config["Tty"]?.GetValue<bool>() ?? false;
    public bool AttachStdin => Config["AttachStdin"]?.GetValue<bool>() ?? false;
    public bool AttachStdout => Config["AttachStdout"]?.GetValue<bool>() ?? false;
    public bool AttachStderr => Config["AttachStderr"]?.GetValue<bool>() ?? false;
    public bool Privileged => Config["Privileged"]?.GetValue<bool>() ?? false;
    public string User => Config["User"]?.GetValue<string>() ?? "";
    public string? DetachKeys => Config["DetachKeys"]?.GetValue<string>();
}
