using System.Net;
using DotNext.Buffers;
using DotNext.Net;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// The Raft member list of this manager, kept in a file next to the log. DotNext writes each committed configuration
/// here (stamped with its log index, older ones are ignored) and reads it back at start, so a restart knows its peers
/// even after snapshots compacted away the configuration entries of the log.
/// </summary>
internal sealed class MemberListStorage(string path) : PersistentClusterConfigurationStorage<EndPoint>(path)
{
    private readonly string path = path;

    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> writer) => writer.WriteEndPoint(address);

    protected override EndPoint Decode(ref SequenceReader reader) => reader.ReadEndPoint();

    /// <summary>
    /// Replaces the list with <paramref name="self"/> alone, stamped <paramref name="version"/>: configuration entries
    /// of the log up to that index (replayed at start) are then ignored, later ones apply as usual.
    /// </summary>
    public async Task ForceSingleMemberAsync(EndPoint self, long version, CancellationToken cancellationToken)
    {
        File.Delete(path);
        IClusterConfigurationStorage<EndPoint> storage = this;
        var empty = await storage.LoadConfigurationAsync(cancellationToken).ConfigureAwait(false);
        await storage.SaveConfigurationAsync(empty.Add(self), version, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<EndPoint>> LoadMembersAsync(CancellationToken cancellationToken)
    {
        IClusterConfigurationStorage<EndPoint> storage = this;
        return (await storage.LoadConfigurationAsync(cancellationToken).ConfigureAwait(false)).Members;
    }
}
