using System.Text.Json.Nodes;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// What the container subsystem hands the spec builder: Docker's Config and HostConfig in Engine API shape (already
/// merged with the image defaults), the mounted rootfs, the resolved mounts, the cgroup path and the namespaces of other
/// containers to join (<c>network</c>/<c>ipc</c>/<c>pid</c>/<c>uts</c> → <c>/proc/&lt;pid&gt;/ns/…</c>).
/// </summary>
public sealed record SpecInputs(
    string ContainerId,
    string RootfsPath,
    JsonObject Config,
    JsonObject HostConfig,
    IReadOnlyList<OciMount> Mounts,
    string CgroupsPath,
    IReadOnlyDictionary<string, string> NamespacePaths);
