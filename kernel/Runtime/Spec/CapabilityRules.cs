using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>Docker's capability rules (moby oci/caps): the default set, CapAdd/CapDrop with or without CAP_, "ALL", privileged.</summary>
public static class CapabilityRules
{
    private const string All = "ALL";

    /// <summary>Every capability name known, indexed by its bit number (containerd's cap.Known()).</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Docker's default capabilities (moby oci/caps/defaults.go), in Moby's order.</summary>
    public static IReadOnlyList<string> Default { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>The names of the bits set in a /proc/&lt;pid&gt;/status Cap* mask, in bit order; unknown bits are skipped.</summary>
    public static IReadOnlyList<string> FromBitmap(ulong mask) =>
        Enumerable.Range(0, Known.Count).Where(bit => (mask >> bit & 1) == 1).Select(bit => Known[bit]).ToList();

    /// <summary>
    /// The container's capability set (moby caps.TweakCapabilities): privileged or CapAdd "ALL" → everything the daemon
    /// holds; CapDrop "ALL" → only CapAdd; otherwise the defaults minus CapDrop plus CapAdd.
    /// </summary>
    public static IReadOnlyList<string> Tweak(IReadOnlyList<string> adds, IReadOnlyList<string> drops, bool privileged, HostSupport host)
    {
        ArgumentNullException.ThrowIfNull(adds);
        ArgumentNullException.ThrowIfNull(drops);
        ArgumentNullException.ThrowIfNull(host);
        if (privileged) return AllAvailable(host);
        if (adds.Count == 0 && drops.Count == 0) return Default;

        var capDrop = Normalize(drops, host);
        var capAdd = Normalize(adds, host);
        if (capAdd.Contains(All)) return AllAvailable(host).Where(c => !capDrop.Contains(c)).ToList();
        if (capDrop.Contains(All)) return capAdd.Distinct().ToList();
        return Default.Where(c => !capDrop.Contains(c)).Concat(capAdd).Distinct().ToList();
    }

    /// <summary>
    /// Upper-cases, adds the CAP_ prefix and checks each name (moby caps.NormalizeLegacyCapabilities).
    /// </summary>
    /// <exception cref="BerthException">Invalid: <c>unknown capability: "CAP_FOO"</c>, or one the daemon does not hold.</exception>
    public static IReadOnlyList<string> Normalize(IReadOnlyList<string> capabilities, HostSupport host)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(host);
        var normalized = new List<string>(capabilities.Count);
        foreach (var raw in capabilities)
        {
            var name = raw.ToUpperInvariant();
            if (name == All)
            {
                normalized.Add(name);
                continue;
            }
            if (!name.StartsWith("CAP_", StringComparison.Ordinal)) name = "CAP_" + name;
            if (!Known.Contains(name)) throw BerthException.Invalid($"unknown capability: \"{name}\"");
            if (!AllAvailable(host).Contains(name))
                throw BerthException.Invalid($"capability not supported by your kernel or not available in the current environment: \"{name}\"");
            normalized.Add(name);
        }
        return normalized;
    }

    /// <summary>Everything a privileged container gets: the daemon's own capabilities (Moby's caps.GetAllCapabilities()).</summary>
    public static IReadOnlyList<string> AllAvailable(HostSupport host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Capabilities.Count > 0
            ? host.Capabilities
            : Known.Take(Math.Min(host.CapLastCap + 1, Known.Count)).ToList();
    }
}
