namespace Berth.Kernel.Cluster;

/// <summary>The cluster plugin's process as membership sees it: started on first use, stopped once the node leaves.</summary>
public interface IClusterBackendProcess
{
    bool IsRunning { get; }

    /// <summary>Stops the process; the next call to the backend starts it again.</summary>
    Task StopAsync();
}
