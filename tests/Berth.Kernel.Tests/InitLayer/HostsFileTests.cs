using Berth.Kernel.InitLayer;
using Berth.Sdk;

namespace Berth.Kernel.Tests.InitLayer;

public class HostsFileTests
{
    private const string Defaults =
        "127.0.0.1\tlocalhost\n" +
        "::1\tlocalhost ip6-localhost ip6-loopback\n" +
        "fe00::\tip6-localnet\n" +
        "ff00::\tip6-mcastprefix\n" +
        "ff02::1\tip6-allnodes\n" +
        "ff02::2\tip6-allrouters\n";

    [Test]
    public void Build_ContainerWithAddress_DefaultsThenOwnLine()
    {
        var content = HostsFile.Build(new HostsFileOptions { Hostname = "0123456789ab", ContainerAddresses = ["172.17.0.2"] });

        Assert.That(content, Is.EqualTo(Defaults + "172.17.0.2\t0123456789ab\n"));
    }

    [Test]
    public void Build_NoAddress_OnlyDefaults() =>
        Assert.That(HostsFile.Build(new HostsFileOptions { Hostname = "box" }), Is.EqualTo(Defaults));

    [Test]
    public void Build_ExtraHostsLinksAndAddress_InMobysOrder()
    {
        var content = HostsFile.Build(new HostsFileOptions
        {
            Hostname = "web",
            ContainerAddresses = ["172.17.0.3"],
            ExtraHosts = ["registry.local:10.1.2.3", "v6host:2001:DB8:0:0::1", "gw:host-gateway"],
            HostGatewayAddresses = ["172.17.0.1"],
            LinkEntries = [new HostsEntry("172.17.0.2", "db 0123456789ab")],
        });

        Assert.That(content, Is.EqualTo(Defaults +
            "10.1.2.3\tregistry.local\n" +
            "2001:db8::1\tv6host\n" +
            "172.17.0.1\tgw\n" +
            "172.17.0.2\tdb 0123456789ab\n" +
            "172.17.0.3\tweb\n"));
    }

    [Test]
    public void Build_HostnameWithDomain_NamesFullAndShortName()
    {
        var content = HostsFile.Build(new HostsFileOptions { Hostname = "web", Domainname = "example.com", ContainerAddresses = ["172.17.0.3"] });

        Assert.That(content, Does.EndWith("\n172.17.0.3\tweb.example.com web\n"));
    }

    [Test]
    public void Build_IPv6Disabled_LeavesOutEveryIPv6Line()
    {
        var content = HostsFile.Build(new HostsFileOptions
        {
            Hostname = "web",
            ContainerAddresses = ["172.17.0.3", "fd00::3"],
            ExtraHosts = ["v6host:2001:db8::1", "v4host:10.0.0.1"],
            IPv6Enabled = false,
        });

        Assert.That(content, Is.EqualTo("127.0.0.1\tlocalhost\n10.0.0.1\tv4host\n172.17.0.3\tweb\n"));
    }

    [Test]
    public void Build_HostGatewayWithSeveralAddresses_OneLineEach()
    {
        var content = HostsFile.Build(new HostsFileOptions { ExtraHosts = ["host.docker.internal:host-gateway"], HostGatewayAddresses = ["172.17.0.1", "fd00::1"] });

        Assert.That(content, Does.EndWith("ff02::2\tip6-allrouters\n172.17.0.1\thost.docker.internal\nfd00::1\thost.docker.internal\n"));
    }

    [Test]
    public void Build_HostGatewayWithoutGatewayAddress_RefusedClearly()
    {
        var error = Assert.Throws<BerthException>(() => HostsFile.Build(new HostsFileOptions { ExtraHosts = ["host.docker.internal:host-gateway"] }))!;

        Assert.That(error.Message, Is.EqualTo("unable to derive the IP value for host-gateway"));
    }

    [TestCase("nohost", "bad format for add-host: \"nohost\"")]
    [TestCase(":1.2.3.4", "bad format for add-host: \":1.2.3.4\"")]
    [TestCase("name:1.2.3", "invalid IP address in add-host: \"1.2.3\"")]
    [TestCase("name:01.2.3.4", "invalid IP address in add-host: \"01.2.3.4\"")]
    [TestCase("name:[::1]", "invalid IP address in add-host: \"[::1]\"")]
    public void Validate_BadExtraHost_ThrowsInvalidWithMobysMessage(string value, string message)
    {
        var error = Assert.Throws<BerthException>(() => ExtraHosts.Validate(value))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo(message));
        });
    }

    [Test]
    public void Resolve_IPv4MappedAddress_WrittenAsIPv4() =>
        Assert.That(ExtraHosts.Resolve(["m:::ffff:10.0.0.1"], []), Is.EqualTo(new[] { new HostsEntry("10.0.0.1", "m") }));
}
