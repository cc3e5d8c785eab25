using Berth.Sdk.Protocol;

namespace Berth.Kernel.Plugins.V1;

/// <summary>The names v1 plugins list in <c>Plugin.Activate</c>'s <c>Implements</c>, and the Berth kinds they serve.</summary>
public static class V1Interfaces
{
    public const string LogDriver = "LogDriver";
    public const string NetworkDriver = "NetworkDriver";
    public const string IpamDriver = "IpamDriver";
    public const string VolumeDriver = "VolumeDriver";

    /// <summary>The v1 interface serving a Berth driver kind; null for kinds v1 plugins cannot serve here.</summary>
    public static string? Of(ProtocolId kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind.Kind == Protocols.LogDriver.Kind) return LogDriver;
        if (kind.Kind == Protocols.NetworkDriver.Kind) return NetworkDriver;
        if (kind.Kind == Protocols.Ipam.Kind) return IpamDriver;
        return null;
    }
}
