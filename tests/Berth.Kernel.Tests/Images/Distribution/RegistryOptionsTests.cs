using Berth.Kernel.Images.Distribution;

namespace Berth.Kernel.Tests.Images.Distribution;

public class RegistryOptionsTests
{
    [TestCase("127.0.0.1:5000")]
    [TestCase("127.1.2.3")]
    [TestCase("localhost")]
    [TestCase("LOCALHOST:5000")]
    [TestCase("[::1]:5000")]
    public void IsInsecure_Loopback_IsAlwaysInsecure(string host) => Assert.That(RegistryOptions.Default.IsInsecure(host), Is.True);

    [TestCase("docker.io")]
    [TestCase("registry-1.docker.io")]
    [TestCase("10.0.0.5:5000")]
    public void IsInsecure_OtherHosts_AreSecureByDefault(string host) => Assert.That(RegistryOptions.Default.IsInsecure(host), Is.False);

    [Test]
    public void IsInsecure_ListedHostAndCidr_AreInsecure()
    {
        var options = new RegistryOptions(["myregistry.local:5000", "10.0.0.0/8", "http://other.local"]);

        Assert.Multiple(() =>
        {
            Assert.That(options.IsInsecure("myregistry.local:5000"), Is.True);
            Assert.That(options.IsInsecure("myregistry.local:5001"), Is.False);
            Assert.That(options.IsInsecure("10.1.2.3:5000"), Is.True);
            Assert.That(options.IsInsecure("11.1.2.3:5000"), Is.False);
            Assert.That(options.IsInsecure("other.local"), Is.True);
        });
    }
}
