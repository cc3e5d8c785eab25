using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Writes a batch through the leader from any manager, and returns a local state that already includes it.</summary>
public interface IProposer
{
    ClusterState Current { get; }

    Task<ClusterState> ProposeAsync(IReadOnlyList<StoreOp> ops, CancellationToken cancellationToken);
}
