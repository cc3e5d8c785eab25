using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// Builds runc's config.json for a container, and the process.json of an exec, from Docker's Config and HostConfig —
/// the spec Moby's daemon (oci_linux.go over oci/defaults.go) would generate.
/// </summary>
public static partial class OciSpecBuilder
{
    /// <summary>The container's OCI spec and the warnings for options Berth accepts but ignores.</summary>
    /// <exception cref="BerthException">Invalid: a setting that cannot be honoured (Docker's message where Docker has one).</exception>
    public static BuildResult Build(SpecInputs inputs, HostSupport host)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(host);
        var config = inputs.Config;
        var hostConfig = inputs.HostConfig;
        var warnings = new List<string>();
        var privileged = JsonRead.Bool(hostConfig, "Privileged");
        var security = SecurityOptions.Parse(JsonRead.Strings(hostConfig, "SecurityOpt"));
        warnings.AddRange(IgnoredSecurityOptions(security));

        var namespaces = NamespaceSpec.Build(config, hostConfig, inputs.NamespacePaths, host);
        var capabilities = CapabilityRules.Tweak(JsonRead.Strings(hostConfig, "CapAdd"), JsonRead.Strings(hostConfig, "CapDrop"), privileged, host);
        var initMount = InitMount(hostConfig, namespaces, host);
        var hostname = Hostname(config, hostConfig);

        var spec = new JsonObject
        {
            ["ociVersion"] = OciDefaults.OciVersion,
            ["process"] = ProcessSpec.Build(inputs, hostname, capabilities, security, initMount is not null, host),
            ["root"] = new JsonObject { ["path"] = inputs.RootfsPath, ["readonly"] = JsonRead.Bool(hostConfig, "ReadonlyRootfs") },
        };
        if (!namespaces.UtsHost && hostname.Length > 0) spec["hostname"] = hostname;

        var mounts = MountSpec.Build(hostConfig, inputs.Mounts, initMount, privileged, security.WritableCgroups ?? privileged);
        spec["mounts"] = mounts.Mounts;
        var annotations = JsonRead.StringMap(hostConfig, "Annotations");
        if (annotations.Count > 0)
        {
            var json = new JsonObject();
            foreach (var (key, value) in annotations) json[key] = value;
            spec["annotations"] = json;
        }

        var linux = new JsonObject();
        if (SysctlSpec.Build(config, hostConfig, host, namespaces) is { } sysctl) linux["sysctl"] = sysctl;
        var devices = DeviceSpec.Build(hostConfig, privileged);
        warnings.AddRange(devices.Warnings);
        var resources = new JsonObject { ["devices"] = devices.Rules };
        ResourceSpec.Apply(resources, hostConfig, host);
        linux["resources"] = resources;
        linux["cgroupsPath"] = CgroupsPath(inputs);
        linux["namespaces"] = namespaces.Namespaces;
        linux["devices"] = devices.Devices;
        if (SeccompSpec.Build(security, privileged, capabilities, host, warnings) is { } seccomp) linux["seccomp"] = seccomp;
        if (mounts.RootfsPropagation is { } propagation) linux["rootfsPropagation"] = propagation;
        var masked = JsonRead.NullableStrings(hostConfig, "MaskedPaths") ?? (privileged ? [] : OciDefaults.MaskedPathsFor(host));
        var readonlyPaths = JsonRead.NullableStrings(hostConfig, "ReadonlyPaths") ?? (privileged ? [] : OciDefaults.ReadonlyPaths);
        if (masked.Count > 0) linux["maskedPaths"] = ProcessSpec.Strings(masked);
        if (readonlyPaths.Count > 0) linux["readonlyPaths"] = ProcessSpec.Strings(readonlyPaths);
        spec["linux"] = linux;
        return new BuildResult(spec, warnings);
    }

    private static IEnumerable<string> IgnoredSecurityOptions(SecurityOptions security)
    {
        if (security.AppArmorProfile.Length > 0 && security.AppArmorProfile != SecurityOptions.Unconfined)
            yield return $"AppArmor is not supported by Berth: security option \"apparmor={security.AppArmorProfile}\" is ignored";
        foreach (var label in security.LabelOptions.Where(l => l != "disable"))
            yield return $"SELinux is not supported by Berth: security option \"label={label}\" is ignored";
    }

    /// <summary>Config.Hostname; for host networking with none given, the host's (Moby sets it at create).</summary>
    private static string Hostname(JsonObject config, JsonObject hostConfig)
    {
        var hostname = JsonRead.String(config, "Hostname");
        return hostname.Length == 0 && JsonRead.String(hostConfig, "NetworkMode") == "host" ? Environment.MachineName : hostname;
    }

    /// <summary>
    /// <c>--init</c> (only in a private PID namespace, as Moby): docker-init bind-mounted read-only at /sbin/docker-init.
    /// </summary>
    private static OciMount? InitMount(JsonObject hostConfig, NamespaceSpec.Result namespaces, HostSupport host)
    {
        if (JsonRead.NullableBool(hostConfig, "Init") != true || !namespaces.PrivatePid) return null;
        var path = host.InitPath ?? throw BerthException.Invalid("--init is not supported: no init binary (docker-init or tini) found on this host");
        return new OciMount(ProcessSpec.InContainerInitPath, "bind", path, ["bind", "ro"]);
    }

    /// <summary>The kernel's cgroup path; without one, Moby's join of CgroupParent (default /berth) and the id.</summary>
    private static string CgroupsPath(SpecInputs inputs)
    {
        if (inputs.CgroupsPath.Length > 0) return inputs.CgroupsPath;
        var parent = JsonRead.String(inputs.HostConfig, "CgroupParent");
        if (parent.Length == 0) parent = "/berth";
        return parent.TrimEnd('/') + "/" + inputs.ContainerId;
    }
}
