using System.Text;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class SecretBoxTests
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("db-password=hunter2");

    private readonly SecretBox box = new(SecretBox.GenerateKey());

    [Test]
    public void Decrypt_Encrypted_ReturnsThePayload()
    {
        Assert.That(box.Decrypt(box.Encrypt(Payload)), Is.EqualTo(Payload));
    }

    [Test]
    public void Decrypt_EncryptedEmptyPayload_ReturnsEmpty()
    {
        Assert.That(box.Decrypt(box.Encrypt([])), Is.Empty);
    }

    [Test]
    public void Encrypt_Payload_IsVersionNonceTagThenCiphertext()
    {
        var sealedSecret = box.Encrypt(Payload);

        Assert.That(sealedSecret[0], Is.EqualTo(SecretBox.Version));
        Assert.That(sealedSecret, Has.Length.EqualTo(1 + 12 + 16 + Payload.Length));
        Assert.That(Encoding.UTF8.GetString(sealedSecret), Does.Not.Contain("hunter2"));
    }

    [Test]
    public void Encrypt_SamePayloadTwice_UsesFreshNonces()
    {
        Assert.That(box.Encrypt(Payload).AsSpan(1, 12).ToArray(), Is.Not.EqualTo(box.Encrypt(Payload).AsSpan(1, 12).ToArray()));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(13)]
    [TestCase(1 + 12 + 16)]
    public void Decrypt_OneBitFlipped_ThrowsSecretBoxException(int index)
    {
        var sealedSecret = box.Encrypt(Payload);
        sealedSecret[index] ^= 0x01;

        Assert.That(() => box.Decrypt(sealedSecret), Throws.TypeOf<SecretBoxException>());
    }

    [Test]
    public void Decrypt_SealedUnderAnotherKey_ThrowsSecretBoxException()
    {
        var sealedSecret = new SecretBox(SecretBox.GenerateKey()).Encrypt(Payload);

        var error = Assert.Throws<SecretBoxException>(() => box.Decrypt(sealedSecret));

        Assert.That(error!.Message, Does.Contain("failed authentication"));
    }

    [Test]
    public void Decrypt_Truncated_ThrowsSecretBoxException()
    {
        Assert.That(() => box.Decrypt(new byte[20]), Throws.TypeOf<SecretBoxException>());
    }

    [TestCase(16)]
    [TestCase(31)]
    [TestCase(33)]
    public void Constructor_KeyNot32Bytes_ThrowsArgumentException(int size)
    {
        Assert.That(() => new SecretBox(new byte[size]), Throws.ArgumentException);
    }
}
