using System.Buffers;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>What a log entry carries: a batch and the id its proposer waits on.</summary>
internal sealed record RaftEnvelope(Guid CommandId, StoreCommand Command)
{
    public byte[] Encode(IPayloadProtector protector) => protector.Protect(JsonSerializer.SerializeToUtf8Bytes(this, SwarmJson.Options));

    public static RaftEnvelope Decode(byte[] payload, IPayloadProtector protector) =>
        JsonSerializer.Deserialize<RaftEnvelope>(protector.Unprotect(payload), SwarmJson.Options)
        ?? throw new InvalidDataException("empty raft log entry");
}

/// <summary>A batch applied at a log index, for the owner to complete its proposer and raise the commit event.</summary>
internal sealed record AppliedBatch(Guid CommandId, ApplyResult Result);

/// <summary>
/// The in-memory <see cref="ClusterState"/> behind the write-ahead log: applies each committed entry deterministically
/// (<see cref="ClusterState.Apply"/>, versions = log index) and snapshots the whole state every
/// <c>snapshotInterval</c> entries, sealed with the protector. Runs on DotNext's applier, one entry at a time; it
/// only hands results over to <paramref name="applied"/> and <paramref name="restored"/>, which must not block.
/// </summary>
internal sealed class ClusterStateMachine(
    DirectoryInfo location,
    IPayloadProtector protector,
    long snapshotInterval,
    Action<AppliedBatch> applied,
    Action<ClusterState> restored) : SimpleStateMachine(location)
{
    private ClusterState state = ClusterState.Empty;
    private ClusterState snapshotted = ClusterState.Empty;
    private long sinceSnapshot;

    public ClusterState State => Volatile.Read(ref state);

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (!entry.IsConfiguration && ReadPayload(entry) is { Length: > 0 } payload)
        {
            var envelope = RaftEnvelope.Decode(payload, protector);
            var result = State.Apply(envelope.Command, entry.Index);
            Volatile.Write(ref state, result.State);
            applied(new AppliedBatch(envelope.CommandId, result));
        }
        if (++sinceSnapshot < snapshotInterval)
            return ValueTask.FromResult(false);
        sinceSnapshot = 0;
        snapshotted = State;
        return ValueTask.FromResult(true);
    }

    private static byte[]? ReadPayload(in LogEntry entry)
    {
        if (entry.TryGetPayload(out var sequence))
            return sequence.ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var segment in entry.GetPayload())
            buffer.Write(segment.Span);
        return buffer.WrittenSpan.ToArray();
    }

    protected override async ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        var bytes = protector.Protect(JsonSerializer.SerializeToUtf8Bytes(snapshotted, SwarmJson.Options));
        await writer.WriteAsync(bytes, lengthFormat: null, token).ConfigureAwait(false);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var bytes = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        var restoredState = JsonSerializer.Deserialize<ClusterState>(protector.Unprotect(bytes), SwarmJson.Options)
            ?? throw new InvalidDataException($"empty snapshot {snapshotFile.Name}");
        Volatile.Write(ref state, restoredState);
        snapshotted = restoredState;
        sinceSnapshot = 0;
        restored(restoredState);
    }
}
