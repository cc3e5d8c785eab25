using System.Security.Cryptography;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>Names of the veth ends an endpoint gets: random, so they never clash with a leftover of an earlier run.</summary>
internal static class InterfaceNames
{
    public const string HostPrefix = "veth";
    public const string ContainerPrefix = "vethc";
    private const int RandomLength = 7;

    /// <summary>The end on the bridge: <c>veth</c> and 7 hex digits, as Moby names it.</summary>
    public static string NewHostEnd() => HostPrefix + RandomNumberGenerator.GetHexString(RandomLength, lowercase: true);

    /// <summary>The end the daemon moves into the sandbox and renames: <c>vethc</c> and 7 hex digits.</summary>
    public static string NewContainerEnd() => ContainerPrefix + RandomNumberGenerator.GetHexString(RandomLength, lowercase: true);
}
