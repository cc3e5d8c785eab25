using System.Text.Json;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Cluster;

/// <summary>
/// <c>&lt;data-root&gt;/swarm/state</c>: written (atomically) after a successful <c>swarm init</c> or <c>join</c> and
/// removed after <c>leave</c>. Its presence is how berthd knows at start that it must start the cluster backend and
/// its task agent; everything else about the membership is the backend's own state.
/// </summary>
public sealed class SwarmMarker(string dataRoot)
{
    public string FilePath { get; } = Path.Combine(dataRoot, "swarm", "state");

    public bool Exists => File.Exists(FilePath);

    public Task WriteAsync(string nodeId, DateTimeOffset since, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(FilePath, JsonSerializer.SerializeToUtf8Bytes(new MarkerRecord(nodeId, since)), cancellationToken);

    public void Delete()
    {
        if (!File.Exists(FilePath)) return;
        File.Delete(FilePath);
        AtomicFile.SyncDirectory(Path.GetDirectoryName(FilePath)!);
    }

    private sealed record MarkerRecord(string NodeID, DateTimeOffset Since);
}
