using Berth.Sdk.Protocol;
using StreamJsonRpc;

namespace Berth.Sdk.Hosting.Wire;

/// <summary>Registers contract implementations on a connection, with Docker-style method names.</summary>
public static class ContractBinding
{
    public static void AddTarget(JsonRpc rpc, Type contract, string prefix, object implementation)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        rpc.AddLocalRpcTarget(contract, implementation, new JsonRpcTargetOptions
        {
            MethodNameTransform = name => WireNames.Method(prefix, name),
            DisposeOnDisconnect = false,
        });
    }

    public static void AddControl(JsonRpc rpc, IPluginControl control) =>
        AddTarget(rpc, typeof(IPluginControl), WireNames.ControlPrefix, control);

    /// <summary>A typed client for a contract the other end serves.</summary>
    public static T Attach<T>(JsonRpc rpc, string prefix) where T : class
    {
        ArgumentNullException.ThrowIfNull(rpc);
        return rpc.Attach<T>(new JsonRpcProxyOptions { MethodNameTransform = name => WireNames.Method(prefix, name) });
    }
}
