using Berth.Kernel.Cluster.Agent;

namespace Berth.Kernel.Tests.Cluster.Fakes;

internal sealed class FakeSwarmAgent : ISwarmAgent
{
    public int Starts { get; private set; }

    public int Stops { get; private set; }

    public bool IsRunning { get; private set; }

    public void Start()
    {
        Starts++;
        IsRunning = true;
    }

    public Task StopAsync()
    {
        Stops++;
        IsRunning = false;
        return Task.CompletedTask;
    }
}
