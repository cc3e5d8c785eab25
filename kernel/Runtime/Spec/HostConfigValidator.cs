using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// Validates a HostConfig at create (and update) as Moby does — runconfig's decode checks, validateHostConfig,
/// verifyPlatformContainerResources and verifyPlatformContainerSettings — with Moby's messages, returning its warnings.
/// </summary>
public static class HostConfigValidator
{
    /// <summary>The warnings Docker returns with the create response.</summary>
    /// <exception cref="BerthException">Invalid, with Moby's message.</exception>
    public static IReadOnlyList<string> Validate(JsonObject hostConfig, HostSupport host) => Validate(hostConfig, host, update: false);

    /// <param name="update">For <c>POST /containers/{id}/update</c>: a swap limit may then be given without a memory limit.</param>
    public static IReadOnlyList<string> Validate(JsonObject hostConfig, HostSupport host, bool update)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        ArgumentNullException.ThrowIfNull(host);
        var warnings = new List<string>();
        ValidateDecoded(hostConfig, host);
        ValidateCommon(hostConfig, host);
        ResourceValidator.Validate(hostConfig, host, update, warnings);
        ValidatePlatform(hostConfig, host, warnings);
        return warnings;
    }

    /// <summary>runconfig's checks while decoding the request (QoS, real-time CPU, CPU shares).</summary>
    private static void ValidateDecoded(JsonObject hostConfig, HostSupport host)
    {
        if (JsonRead.Long(hostConfig, "IOMaximumBandwidth") != 0)
            throw BerthException.Invalid("invalid option: QoS maximum bandwidth configuration is not supported on linux");
        if (JsonRead.Long(hostConfig, "IOMaximumIOps") != 0)
            throw BerthException.Invalid("invalid option: QoS maximum IOPs configuration is not supported on linux");
        var realtimePeriod = JsonRead.Long(hostConfig, "CpuRealtimePeriod");
        var realtimeRuntime = JsonRead.Long(hostConfig, "CpuRealtimeRuntime");
        if ((realtimePeriod != 0 || realtimeRuntime != 0) && !host.CpuRealtime)
            throw BerthException.Invalid("kernel does not support CPU real-time scheduler");
        if (realtimePeriod != 0 && realtimeRuntime != 0 && realtimeRuntime > realtimePeriod)
            throw BerthException.Invalid("cpu real-time runtime cannot be higher than cpu real-time period");
        var shares = JsonRead.Long(hostConfig, "CpuShares");
        if (host.CpuShares && shares < 0)
            throw BerthException.Invalid($"invalid CPU shares ({shares}): value must be a positive integer");
    }

    /// <summary>Moby's validateHostConfig: restart policy, AutoRemove, capabilities, isolation, annotations, security options.</summary>
    private static void ValidateCommon(JsonObject hostConfig, HostSupport host)
    {
        var restart = JsonRead.Object(hostConfig, "RestartPolicy");
        var policy = restart is null ? "" : JsonRead.String(restart, "Name");
        var retries = restart is null ? 0 : JsonRead.Long(restart, "MaximumRetryCount");
        if (JsonRead.Bool(hostConfig, "AutoRemove") && policy is not ("" or "no"))
            throw BerthException.Invalid("can't create 'AutoRemove' container with restart policy");
        RestartPolicyRules.Validate(policy, retries);

        try
        {
            CapabilityRules.Normalize(JsonRead.Strings(hostConfig, "CapAdd"), host);
        }
        catch (BerthException e)
        {
            throw BerthException.Invalid("invalid CapAdd: " + e.Message);
        }
        try
        {
            CapabilityRules.Normalize(JsonRead.Strings(hostConfig, "CapDrop"), host);
        }
        catch (BerthException e)
        {
            throw BerthException.Invalid("invalid CapDrop: " + e.Message);
        }

        var isolation = JsonRead.String(hostConfig, "Isolation");
        if (isolation.Length > 0 && !isolation.Equals("default", StringComparison.OrdinalIgnoreCase))
            throw BerthException.Invalid($"invalid isolation '{isolation}' on linux");
        if (JsonRead.StringMap(hostConfig, "Annotations").Any(a => a.Key.Length == 0))
            throw BerthException.Invalid("invalid Annotations: the empty string is not permitted as an annotation key");
        SecurityOptions.Parse(JsonRead.Strings(hostConfig, "SecurityOpt"));
    }

    /// <summary>Moby's verifyPlatformContainerSettings after the resource checks.</summary>
    private static void ValidatePlatform(JsonObject hostConfig, HostSupport host, List<string> warnings)
    {
        var ipcMode = JsonRead.String(hostConfig, "IpcMode");
        if (NamespaceSpec.ContainerOf(ipcMode) is null && ipcMode is not ("" or "none" or "private" or "host" or "shareable"))
            throw BerthException.Invalid($"invalid IPC mode: {ipcMode}");
        var pidMode = JsonRead.String(hostConfig, "PidMode");
        if (!(pidMode is "" or "host" || NamespaceSpec.ContainerOf(pidMode) is { Length: > 0 }))
            throw BerthException.Invalid($"invalid PID mode: {pidMode}");
        if (JsonRead.Long(hostConfig, "ShmSize") < 0) throw BerthException.Invalid("SHM size can not be less than 0");
        var utsMode = JsonRead.String(hostConfig, "UTSMode");
        if (utsMode is not ("" or "host")) throw BerthException.Invalid($"invalid UTS mode: {utsMode}");
        var usernsMode = JsonRead.String(hostConfig, "UsernsMode");
        if (usernsMode is not ("" or "host"))
            throw BerthException.Invalid($"invalid USER mode: {usernsMode} (user namespaces are not supported by Berth)");

        var oomScoreAdj = JsonRead.Long(hostConfig, "OomScoreAdj");
        if (oomScoreAdj is < -1000 or > 1000)
            throw BerthException.Invalid($"Invalid value {oomScoreAdj}, range for oom score adj is [-1000, 1000]");

        var networkMode = JsonRead.String(hostConfig, "NetworkMode");
        if (host.IPv4ForwardingDisabled && networkMode is not ("host" or "none"))
            warnings.Add("IPv4 forwarding is disabled. Networking will not work.");
        if (networkMode == "host" && JsonRead.Object(hostConfig, "PortBindings") is { Count: > 0 })
            warnings.Add("Published ports are discarded when using host network mode");

        foreach (var (destination, _) in JsonRead.StringMap(hostConfig, "Tmpfs")) ValidateTmpfsDestination(destination);

        var cgroupns = JsonRead.String(hostConfig, "CgroupnsMode");
        if (cgroupns is not ("" or "private" or "host")) throw BerthException.Invalid($"invalid cgroup namespace mode: {cgroupns}");
        if (cgroupns == "private" && !host.CgroupNamespaces)
            warnings.Add("Your kernel does not support cgroup namespaces.  Cgroup namespace setting discarded.");
    }

    /// <summary>Moby's linuxParser.ValidateTmpfsMountDestination.</summary>
    private static void ValidateTmpfsDestination(string destination)
    {
        var normalized = destination.Replace('\\', '/');
        var depth = 0;
        foreach (var part in normalized.Split('/'))
        {
            if (part is "" or ".") continue;
            depth = part == ".." ? Math.Max(0, depth - 1) : depth + 1;
        }
        if (normalized.StartsWith('/') && depth == 0)
            throw BerthException.Invalid("invalid specification: destination can't be '/'");
        if (!normalized.StartsWith('/'))
            throw BerthException.Invalid($"invalid mount path: '{normalized}' mount path must be absolute");
    }
}
