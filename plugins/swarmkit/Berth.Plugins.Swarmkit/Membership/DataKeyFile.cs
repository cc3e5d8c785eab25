using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// A manager's key for its raft log and snapshots at rest (swarmkit's raft DEK), shared by all managers so the
/// replicated entries decrypt everywhere; sealed under the unlock key when autolock is on.
/// </summary>
public static class DataKeyFile
{
    public const string Name = "raft.key";

    public static void Save(string directory, byte[] key, UnlockKey? lockKey)
    {
        AtomicFile.CreatePrivateDirectory(directory);
        var content = lockKey is null ? key : KeyEncryption.Encrypt(key, lockKey);
        AtomicFile.WriteAllBytes(Path.Combine(directory, Name), content, AtomicFile.OwnerOnly);
    }

    /// <exception cref="IncorrectUnlockKeyException">Sealed under another key.</exception>
    public static byte[] Load(string directory, UnlockKey? lockKey)
    {
        var content = File.ReadAllBytes(Path.Combine(directory, Name));
        return lockKey is null ? content : KeyEncryption.Decrypt(content, lockKey);
    }
}
