using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>The spec's <c>process</c> for a container (Moby's withCommonOptions, WithUser, WithCapabilities, withRlimits…).</summary>
internal static class ProcessSpec
{
    /// <summary>Where Moby bind-mounts the init binary inside the container.</summary>
    public const string InContainerInitPath = "/sbin/docker-init";

    public static JsonObject Build(SpecInputs inputs, string hostname, IReadOnlyList<string> capabilities, SecurityOptions security, bool withInit, HostSupport host)
    {
        var config = inputs.Config;
        var hostConfig = inputs.HostConfig;
        var command = JsonRead.Strings(config, "Entrypoint").Concat(JsonRead.Strings(config, "Cmd")).ToList();
        if (command.Count == 0) throw BerthException.Invalid("no command specified");
        if (withInit) command = [InContainerInitPath, "--", .. command];

        var tty = JsonRead.Bool(config, "Tty");
        var process = new JsonObject { ["terminal"] = tty };
        if (tty && JsonRead.Longs(hostConfig, "ConsoleSize") is [var height, var width] && (height > 0 || width > 0))
            process["consoleSize"] = new JsonObject { ["height"] = height, ["width"] = width };
        process["user"] = UserResolver.Resolve(inputs.RootfsPath, JsonRead.String(config, "User"), JsonRead.Strings(hostConfig, "GroupAdd")).ToJson();
        process["args"] = Strings(command);
        process["env"] = Strings(EnvironmentMerge.DaemonEnvironment(hostname, tty, JsonRead.Strings(config, "Env")));
        var cwd = JsonRead.String(config, "WorkingDir");
        process["cwd"] = cwd.Length == 0 ? "/" : cwd;
        process["capabilities"] = CapabilitiesJson(capabilities);
        if (RlimitSpec.Build(hostConfig, host) is { } rlimits) process["rlimits"] = rlimits;
        if (security.NoNewPrivileges) process["noNewPrivileges"] = true;
        process["oomScoreAdj"] = JsonRead.Long(hostConfig, "OomScoreAdj");
        return process;
    }

    /// <summary>Moby's oci.SetCapabilities: bounding, effective and permitted; no inheritable or ambient (CVE-2022-24769).</summary>
    public static JsonObject CapabilitiesJson(IReadOnlyList<string> capabilities) => new()
    {
        ["bounding"] = Strings(capabilities),
        ["effective"] = Strings(capabilities),
        ["permitted"] = Strings(capabilities),
    };

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
