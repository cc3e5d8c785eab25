using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

public static partial class OciSpecBuilder
{
    /// <summary><see cref="BuildExecProcess(JsonObject, ExecRequest, string, HostSupport)"/> on this host.</summary>
    public static JsonObject BuildExecProcess(JsonObject containerSpecProcess, ExecRequest exec, string rootfsPath) =>
        BuildExecProcess(containerSpecProcess, exec, rootfsPath, HostSupport.Current);

    /// <summary>
    /// The process.json for <c>runc exec --process</c>: the container's process (capabilities, rlimits,
    /// noNewPrivileges, apparmor…) with the exec's args, environment, working directory, user and terminal.
    /// </summary>
    /// <exception cref="BerthException">Invalid: <c>No exec command specified</c>, or an exec user that does not resolve.</exception>
    public static JsonObject BuildExecProcess(JsonObject containerSpecProcess, ExecRequest exec, string rootfsPath, HostSupport host)
    {
        ArgumentNullException.ThrowIfNull(containerSpecProcess);
        ArgumentNullException.ThrowIfNull(exec);
        ArgumentNullException.ThrowIfNull(rootfsPath);
        ArgumentNullException.ThrowIfNull(host);
        if (exec.Cmd.Count == 0) throw BerthException.Invalid("No exec command specified");

        var process = (JsonObject)containerSpecProcess.DeepClone();
        var containerTerminal = JsonRead.Bool(containerSpecProcess, "terminal");
        process["terminal"] = exec.Tty;
        process.Remove("consoleSize");
        if (exec.User.Length > 0) process["user"] = UserResolver.Resolve(rootfsPath, exec.User, exec.GroupAdd ?? []).ToJson();
        process["args"] = ProcessSpec.Strings(exec.Cmd);
        var env = ExecEnvironment(JsonRead.Strings(containerSpecProcess, "env"), containerTerminal, exec.Tty);
        process["env"] = ProcessSpec.Strings(EnvironmentMerge.ReplaceOrAppend(env, exec.Env));
        var cwd = exec.WorkingDir.Length > 0 ? exec.WorkingDir : JsonRead.String(containerSpecProcess, "cwd");
        process["cwd"] = cwd.Length == 0 ? "/" : cwd;
        if (exec.Privileged) process["capabilities"] = ProcessSpec.CapabilitiesJson(CapabilityRules.AllAvailable(host));
        return process;
    }

    /// <summary>
    /// The container's environment as Moby recomputes it for an exec: TERM=xterm follows the exec's tty, not the
    /// container's (an explicit TERM=xterm in the container's env is indistinguishable and follows it too).
    /// </summary>
    private static List<string> ExecEnvironment(IReadOnlyList<string> containerEnv, bool containerTerminal, bool execTty)
    {
        var env = containerEnv.ToList();
        var hasTerm = env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal));
        if (execTty && !hasTerm)
        {
            var hostnameAt = env.FindIndex(e => e.StartsWith("HOSTNAME=", StringComparison.Ordinal));
            env.Insert(hostnameAt >= 0 ? hostnameAt + 1 : Math.Min(2, env.Count), "TERM=xterm");
        }
        else if (!execTty && containerTerminal)
        {
            env.Remove("TERM=xterm");
        }
        return env;
    }
}
