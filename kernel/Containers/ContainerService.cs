using Berth.Kernel.Config;
using Berth.Kernel.Containers.Logs;
using Berth.Kernel.Images;
using Berth.Kernel.Networks;
using Berth.Kernel.Runtime;
using Berth.Kernel.Volumes;

namespace Berth.Kernel.Containers;

/// <summary>
/// The container lifecycle (one file per verb): create, start, exit handling with restart policies, stop/kill,
/// pause, rename, remove, wait. State changes of one container are serialised by its gate; records are written
/// atomically after each change, so a crash leaves the old or the new state.
/// </summary>
public sealed partial class ContainerService(
    ContainerStore store,
    ImageService images,
    ImageSubsystem imageSubsystem,
    VolumeService volumes,
    ContainerRuntime runtime,
    ContainerLogs logs,
    ContainerEvents events,
    NetworkService networks,
    DaemonConfigHolder daemonConfig,
    TimeProvider time)
{
    private readonly ContainerWaiters waiters = new();
    private readonly AttachRendezvous rendezvous = new();

    public ContainerStore Store => store;
    public ContainerRuntime Runtime => runtime;
    public ContainerLogs Logs => logs;
    public ContainerEvents Events => events;
    public AttachRendezvous Rendezvous => rendezvous;

    /// <summary>Raised after a container started (health checks begin).</summary>
    public event Action<Container>? Started;

    /// <summary>Raised when a container's process ended, before its exit is recorded.</summary>
    public event Action<Container>? Stopped;

    public Container Get(string idOrName) => store.Get(idOrName);

    private Task SaveAsync(Container container, CancellationToken cancellationToken) => store.SaveAsync(container, cancellationToken);

    private DateTimeOffset Now => time.GetUtcNow();
}
