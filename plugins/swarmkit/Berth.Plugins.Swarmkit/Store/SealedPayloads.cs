using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>Raft entries and snapshots sealed with the managers' shared data key (AES-256-GCM), so the log is encrypted at rest.</summary>
public sealed class SealedPayloads(SecretBox box) : IPayloadProtector
{
    public byte[] Protect(byte[] plaintext) => box.Encrypt(plaintext);

    public byte[] Unprotect(byte[] protectedPayload) => box.Decrypt(protectedPayload);
}
