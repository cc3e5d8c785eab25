using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Tests.Runtime.Spec;

/// <summary>Hosts, inputs and spec readers shared by the spec tests.</summary>
internal static class SpecFixtures
{
    /// <summary>A hybrid-cgroup host like the CI VM: everything supported, every capability but CAP_SYS_RESOURCE, NOFILE hard 20000.</summary>
    public static HostSupport HybridHost() => new()
    {
        CgroupMode = CgroupMode.Hybrid,
        Seccomp = true,
        CgroupNamespaces = true,
        CpuCount = 2,
        KernelVersion = new Version(6, 1),
        MemoryLimit = true,
        SwapAccounting = true,
        MemoryReservation = true,
        MemorySwappiness = true,
        OomKillDisable = true,
        KernelMemory = true,
        KernelMemoryTcp = true,
        CpuShares = true,
        CpuCfs = true,
        CpuRealtime = true,
        Cpuset = true,
        Cpus = "0-1",
        Mems = "0",
        PidsLimit = true,
        BlkioWeight = true,
        BlkioWeightDevice = true,
        BlkioReadBpsDevice = true,
        BlkioWriteBpsDevice = true,
        BlkioReadIOpsDevice = true,
        BlkioWriteIOpsDevice = true,
        RlimitHardLimits = new Dictionary<string, ulong> { ["RLIMIT_NOFILE"] = 20000, ["RLIMIT_NPROC"] = 96364 },
        Capabilities = CapabilityRules.Known.Where(c => c != "CAP_SYS_RESOURCE").ToList(),
        CapLastCap = 40,
        InitPath = "/usr/bin/docker-init",
        DefaultSysctls = new HashSet<string> { "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start" },
    };

    /// <summary>A pure cgroup v2 host: no swappiness, no OOM-kill switch, no kernel memory, no swap accounting.</summary>
    public static HostSupport UnifiedHost() => HybridHost() with
    {
        CgroupMode = CgroupMode.Unified,
        SwapAccounting = false,
        MemorySwappiness = false,
        OomKillDisable = false,
        KernelMemory = false,
        KernelMemoryTcp = false,
        CpuRealtime = false,
    };

    public static JsonObject ContainerConfig(params string[] cmd) => new()
    {
        ["Hostname"] = "c0ffee",
        ["Cmd"] = new JsonArray(cmd.Select(c => (JsonNode)c).ToArray()),
    };

    public static SpecInputs Inputs(JsonObject? config = null, JsonObject? hostConfig = null, IReadOnlyList<OciMount>? mounts = null,
        IReadOnlyDictionary<string, string>? namespacePaths = null, string rootfs = "/nonexistent-rootfs") =>
        new("0123456789ab", rootfs, config ?? ContainerConfig("sh"), hostConfig ?? new JsonObject(), mounts ?? [], "/berth/0123456789ab",
            namespacePaths ?? new Dictionary<string, string>());

    public static JsonObject Build(JsonObject? config = null, JsonObject? hostConfig = null, HostSupport? host = null, IReadOnlyList<OciMount>? mounts = null,
        IReadOnlyDictionary<string, string>? namespacePaths = null, string rootfs = "/nonexistent-rootfs") =>
        OciSpecBuilder.Build(Inputs(config, hostConfig, mounts, namespacePaths, rootfs), host ?? HybridHost()).Spec;

    public static JsonArray Json(params string[] values) => new(values.Select(v => (JsonNode)v).ToArray());

    public static List<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(v => v!.GetValue<string>()).ToList() : [];

    public static List<string> NamespaceTypes(JsonObject spec) => spec["linux"]!["namespaces"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()).ToList();

    public static JsonObject? Mount(JsonObject spec, string destination) =>
        spec["mounts"]!.AsArray().OfType<JsonObject>().LastOrDefault(m => m["destination"]!.GetValue<string>() == destination);

    public static List<string> MountDestinations(JsonObject spec) => spec["mounts"]!.AsArray().Select(m => m!["destination"]!.GetValue<string>()).ToList();
}

/// <summary>A throwaway rootfs directory with an /etc/passwd and /etc/group.</summary>
internal sealed class FakeRootfs : IDisposable
{
    public FakeRootfs(string passwd, string group)
    {
        Path = Directory.CreateTempSubdirectory("berth-spec-rootfs-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "etc"));
        File.WriteAllText(System.IO.Path.Combine(Path, "etc", "passwd"), passwd);
        File.WriteAllText(System.IO.Path.Combine(Path, "etc", "group"), group);
    }

    public const string StandardPasswd = """
        root:x:0:0:root:/root:/bin/sh
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        app:x:1000:1000:App User:/home/app:/bin/sh
        """;

    public const string StandardGroup = """
        root:x:0:
        daemon:x:1:
        wheel:x:10:app,root
        audio:x:29:app
        app:x:1000:
        # a comment
        video:x:44:
        """;

    public string Path { get; }

    public static FakeRootfs Standard() => new(StandardPasswd, StandardGroup);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
