using System.Text;
using Berth.Kernel.Images.Distribution;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.Distribution;

public class RegistryCredentialsTests
{
    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Test]
    public void Decode_DockerCliHeader_ReadsEveryField()
    {
        var header = Base64Url("{\"username\":\"u\",\"password\":\"p>?\",\"email\":\"e@x\",\"serveraddress\":\"127.0.0.1:5000\"}");

        var credentials = RegistryCredentials.Decode(header);

        Assert.That(credentials, Is.EqualTo(new RegistryCredentials("u", "p>?", "e@x", "127.0.0.1:5000")));
    }

    [Test]
    public void Decode_StandardBase64WithPadding_IsAccepted()
    {
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"username\":\"u\",\"password\":\"p\"}"));

        Assert.That(RegistryCredentials.Decode(header)!.Username, Is.EqualTo("u"));
    }

    [Test]
    public void Decode_AuthField_IsSplitIntoUserAndPassword()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3:cret"));

        var credentials = RegistryCredentials.Decode(Base64Url($"{{\"auth\":\"{auth}\"}}"))!;

        Assert.Multiple(() =>
        {
            Assert.That(credentials.Username, Is.EqualTo("alice"));
            Assert.That(credentials.Password, Is.EqualTo("s3:cret"));
        });
    }

    [Test]
    public void Decode_IdentityToken_IsKept()
    {
        var credentials = RegistryCredentials.Decode(Base64Url("{\"identitytoken\":\"refresh-me\"}"))!;

        Assert.Multiple(() =>
        {
            Assert.That(credentials.IdentityToken, Is.EqualTo("refresh-me"));
            Assert.That(credentials.HasBasic, Is.False);
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("e30")]
    [TestCase("e30=")]
    public void Decode_AbsentOrEmpty_IsNull(string? header) => Assert.That(RegistryCredentials.Decode(header), Is.Null);

    [TestCase("!!!not base64!!!")]
    [TestCase("bm90IGpzb24")]
    public void Decode_Undecodable_IsInvalidParameter(string header)
    {
        var ex = Assert.Throws<BerthException>(() => RegistryCredentials.Decode(header))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Does.StartWith("invalid X-Registry-Auth header"));
        });
    }

    [Test]
    public void Encode_ThenDecode_RoundTrips()
    {
        var credentials = new RegistryCredentials("u", "p?>~", ServerAddress: "r.example", IdentityToken: "t");

        Assert.That(RegistryCredentials.Decode(credentials.Encode()), Is.EqualTo(credentials));
    }

    [Test]
    public void ToString_DoesNotShowSecrets() =>
        Assert.That(new RegistryCredentials("u", "hunter2", IdentityToken: "tok").ToString(), Does.Not.Contain("hunter2").And.Not.Contain("tok"));
}
