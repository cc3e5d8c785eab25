using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Seals secret payloads with the cluster's secrets key (kept in the replicated key record).</summary>
public sealed class BoxSealer(Func<SecretBox> box) : ISecretSealer
{
    public string Seal(byte[] payload) => Convert.ToBase64String(box().Encrypt(payload));

    public byte[] Open(string sealedPayload) => box().Decrypt(Convert.FromBase64String(sealedPayload));
}
