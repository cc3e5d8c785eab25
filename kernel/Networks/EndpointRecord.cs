namespace Berth.Kernel.Networks;

/// <summary>A container's endpoint on a network, as <c>docker network inspect</c> lists it under Containers.</summary>
public sealed record EndpointRecord(
    string ContainerId,
    string ContainerName,
    string EndpointId,
    string MacAddress,
    string IPv4Address,
    string IPv6Address,
    IReadOnlyList<string> Aliases);
