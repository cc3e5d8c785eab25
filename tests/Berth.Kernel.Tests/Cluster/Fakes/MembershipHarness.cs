using Berth.Kernel.Cluster;
using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Support;

namespace Berth.Kernel.Tests.Cluster.Fakes;

/// <summary>A <see cref="ClusterMembership"/> over fakes, with its own data root and task-file root.</summary>
internal sealed class MembershipHarness : IDisposable
{
    public MembershipHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "berth-membership-" + Guid.NewGuid().ToString("N"));
        Marker = new SwarmMarker(Root);
        Files = new TaskFileStore(Path.Combine(Root, "exec", "swarm", "tasks"));
        Membership = new ClusterMembership(Backend, Marker, Agent, Containers, Files, new TrackingTimeProvider(), Process);
    }

    public string Root { get; }
    public FakeClusterBackend Backend { get; } = new();
    public FakeSwarmAgent Agent { get; } = new();
    public FakeTaskContainers Containers { get; } = new();
    public SwarmMarker Marker { get; }
    public TaskFileStore Files { get; }
    public ClusterMembership Membership { get; }
    public FakeBackendProcess Process { get; } = new();

    public bool BackendStarted
    {
        get => Process.IsRunning;
        set => Process.IsRunning = value;
    }

    /// <summary>As if <c>swarm init</c> had succeeded before.</summary>
    public async Task<MembershipHarness> MemberAsync()
    {
        await Marker.WriteAsync("node1", DateTimeOffset.UnixEpoch, CancellationToken.None);
        return this;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

internal sealed class FakeBackendProcess : IClusterBackendProcess
{
    public bool IsRunning { get; set; }

    public int Stops { get; private set; }

    public Task StopAsync()
    {
        Stops++;
        IsRunning = false;
        return Task.CompletedTask;
    }
}
