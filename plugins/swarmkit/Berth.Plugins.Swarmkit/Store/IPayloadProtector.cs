namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// Seals what the replicated store writes to disk and sends between managers: every log entry and every snapshot
/// passes through <see cref="Protect"/> on the way out and <see cref="Unprotect"/> on the way in. Every manager of a
/// swarm must use the same key. <see cref="Unprotect"/> throws when the bytes were altered or sealed under another key.
/// </summary>
public interface IPayloadProtector
{
    byte[] Protect(byte[] plaintext);

    byte[] Unprotect(byte[] protectedPayload);
}

/// <summary>No protection: entries and snapshots are stored as plain JSON (tests, or when the caller encrypts the disk).</summary>
public sealed class PlaintextPayloads : IPayloadProtector
{
    public static readonly PlaintextPayloads Instance = new();

    public byte[] Protect(byte[] plaintext) => plaintext;

    public byte[] Unprotect(byte[] protectedPayload) => protectedPayload;
}
