namespace Berth.Kernel.Runtime.Spec;

/// <summary>One entry of the OCI spec's <c>mounts</c>, as the kernel resolved it (volume, bind, tmpfs, /etc files, /dev/shm).</summary>
public sealed record OciMount(string Destination, string Type, string Source, IReadOnlyList<string> Options);
