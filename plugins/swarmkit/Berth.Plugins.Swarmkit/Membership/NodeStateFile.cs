using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>What this node is in its swarm, kept beside its certificates and raft log so a restart resumes without re-joining.</summary>
/// <param name="ListenAddr">host:port the manager listens on (empty for workers).</param>
/// <param name="AdvertiseAddr">host:port other nodes reach this manager at; for workers only the host matters.</param>
/// <param name="Managers">The managers last heard of, to find one after a restart.</param>
public sealed record NodeState(
    string NodeId,
    string ClusterId,
    string Role,
    string ListenAddr,
    string AdvertiseAddr,
    IReadOnlyList<string> Managers,
    bool Locked = false);

public static class NodeStateFile
{
    private const string Name = "state.json";

    public static async Task<NodeState?> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, Name);
        if (!File.Exists(path))
            return null;
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<NodeState>(stream, SwarmJson.Options, cancellationToken).ConfigureAwait(false);
    }

    public static async Task SaveAsync(string directory, NodeState state, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Name);
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, state, SwarmJson.Options, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static void Delete(string directory)
    {
        var path = Path.Combine(directory, Name);
        if (File.Exists(path))
            File.Delete(path);
    }
}
