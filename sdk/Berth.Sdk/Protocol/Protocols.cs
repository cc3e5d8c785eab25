using Berth.Sdk.Cluster;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Ipam;
using Berth.Sdk.Logging;
using Berth.Sdk.Network;
using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Protocol;

/// <summary>The driver kinds this SDK version defines, each with its contract interface and wire prefix.</summary>
public static class Protocols
{
    public static readonly ProtocolId GraphDriver = new("graphdriver", 1, 0);
    public static readonly ProtocolId Snapshotter = new("snapshotter", 1, 0);
    public static readonly ProtocolId NetworkDriver = new("networkdriver", 1, 0);
    public static readonly ProtocolId Ipam = new("ipam", 1, 0);
    public static readonly ProtocolId LogDriver = new("logdriver", 1, 0);
    public static readonly ProtocolId Cluster = new("cluster", 1, 1);

    /// <summary>Every contract: protocol, C# interface, and the prefix of its JSON-RPC method names (Docker's).</summary>
    public static readonly IReadOnlyList<ContractDescriptor> All =
    [
        new(GraphDriver, typeof(IGraphDriver), "GraphDriver."),
        new(Snapshotter, typeof(ISnapshotter), "Snapshotter."),
        new(NetworkDriver, typeof(INetworkDriver), "NetworkDriver."),
        new(Ipam, typeof(IIpamDriver), "IpamDriver."),
        new(LogDriver, typeof(ILogDriver), "LogDriver."),
        new(Cluster, typeof(IClusterBackend), "Cluster."),
    ];

    public static ContractDescriptor? ForKind(string kind) =>
        All.FirstOrDefault(c => string.Equals(c.Protocol.Kind, kind, StringComparison.Ordinal));

    public static ContractDescriptor? ForInterface(Type contract) => All.FirstOrDefault(c => c.Contract == contract);
}

/// <summary>Binds a protocol id to its contract interface and wire method prefix.</summary>
public sealed record ContractDescriptor(ProtocolId Protocol, Type Contract, string MethodPrefix);
