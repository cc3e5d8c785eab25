using System.Security.Cryptography;
using System.Text;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class KeyEncryptionTests
{
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n");

    [Test]
    public void Decrypt_SameUnlockKey_ReturnsThePlaintext()
    {
        var key = UnlockKey.Generate();

        var sealedBlob = KeyEncryption.Encrypt(Plaintext, key);

        Assert.That(KeyEncryption.Decrypt(sealedBlob, UnlockKey.Parse(key.ToString())), Is.EqualTo(Plaintext));
    }

    [Test]
    public void Encrypt_SamePlaintextTwice_GivesDifferentBlobsWithoutThePlaintext()
    {
        var key = UnlockKey.Generate();

        var first = KeyEncryption.Encrypt(Plaintext, key);
        var second = KeyEncryption.Encrypt(Plaintext, key);

        Assert.That(first, Is.Not.EqualTo(second));
        Assert.That(Encoding.UTF8.GetString(first), Does.Not.Contain("PRIVATE KEY"));
    }

    [Test]
    public void Decrypt_WrongUnlockKey_ThrowsIncorrectUnlockKey()
    {
        var sealedBlob = KeyEncryption.Encrypt(Plaintext, UnlockKey.Generate());

        var error = Assert.Throws<IncorrectUnlockKeyException>(() => KeyEncryption.Decrypt(sealedBlob, UnlockKey.Generate()));

        Assert.That(error!.Message, Is.EqualTo("unlock key is incorrect"));
    }

    [Test]
    public void Decrypt_TamperedBlob_ThrowsIncorrectUnlockKey()
    {
        var key = UnlockKey.Generate();
        var sealedBlob = KeyEncryption.Encrypt(Plaintext, key);
        sealedBlob[^1] ^= 0x01;

        Assert.That(() => KeyEncryption.Decrypt(sealedBlob, key), Throws.TypeOf<IncorrectUnlockKeyException>());
    }

    [Test]
    public void Decrypt_TruncatedBlob_ThrowsCryptographicException()
    {
        var key = UnlockKey.Generate();

        Assert.That(() => KeyEncryption.Decrypt(new byte[10], key), Throws.TypeOf<CryptographicException>());
    }
}
