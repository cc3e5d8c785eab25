using System.Security.Cryptography;
using System.Text;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// A private key on disk, mode 0600: PKCS#8 PEM, or, when the swarm is autolocked, that PEM sealed by
/// <see cref="KeyEncryption"/> under the unlock key and armoured with its own PEM label.
/// </summary>
internal static class PrivateKeyFile
{
    public const string LockedLabel = "SWARM ENCRYPTED PRIVATE KEY";

    public static void Write(string path, ECDsa key, UnlockKey? lockKey)
    {
        var pem = key.ExportPkcs8PrivateKeyPem();
        if (lockKey is null)
        {
            AtomicFile.WriteAllText(path, pem, AtomicFile.OwnerOnly);
            return;
        }
        var plain = Encoding.UTF8.GetBytes(pem);
        try
        {
            var sealedKey = KeyEncryption.Encrypt(plain, lockKey);
            AtomicFile.WriteAllText(path, new string(PemEncoding.Write(LockedLabel, sealedKey)), AtomicFile.OwnerOnly);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public static ECDsa Read(string path, UnlockKey? lockKey)
    {
        var text = File.ReadAllText(path);
        var key = ECDsa.Create();
        try
        {
            if (!IsLocked(text))
            {
                key.ImportFromPem(text);
                return key;
            }
            if (lockKey is null)
                throw new SwarmLockedException();
            var fields = PemEncoding.Find(text);
            var plain = KeyEncryption.Decrypt(Convert.FromBase64String(text[fields.Base64Data]), lockKey);
            try
            {
                key.ImportFromPem(Encoding.UTF8.GetString(plain));
                return key;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static bool IsLocked(string pem) =>
        PemEncoding.TryFind(pem, out var fields) && pem[fields.Label].SequenceEqual(LockedLabel);
}
