namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>
/// The one-byte tag a client sends right after the security handshake, choosing what the connection carries on the
/// manager's single swarm port (Docker's 2377).
/// </summary>
public static class Channels
{
    /// <summary>Raft traffic between managers (DotNext's connection-oriented protocol).</summary>
    public const byte Raft = (byte)'R';

    /// <summary>Control calls (framed JSON RPC).</summary>
    public const byte Control = (byte)'C';

    /// <summary>Log streams.</summary>
    public const byte Logs = (byte)'L';
}
