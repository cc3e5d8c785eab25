namespace Berth.Kernel.Containers;

/// <summary>One of a container's mounts as <c>docker inspect</c> lists it under Mounts.</summary>
public sealed record MountPoint(
    string Type,
    string? Name,
    string Source,
    string Destination,
    string? Driver,
    string Mode,
    bool RW,
    string Propagation)
{
    /// <summary>Volume options of a <c>--mount</c> (e.g. nocopy) and tmpfs options.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>An anonymous volume created for this container (removed with <c>docker rm -v</c>).</summary>
    public bool Anonymous { get; init; }
}
