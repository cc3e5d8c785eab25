namespace Berth.Kernel.Cluster.Agent;

/// <summary>What the task agent needs of the image service.</summary>
public interface ITaskImages
{
    bool Exists(string reference);

    /// <param name="encodedAuth">The X-Registry-Auth value, when the task carries one.</param>
    Task PullAsync(string reference, string? encodedAuth, CancellationToken cancellationToken);
}
