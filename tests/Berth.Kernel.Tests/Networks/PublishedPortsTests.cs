using System.Text.Json.Nodes;
using Berth.Kernel.Networks;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Tests.Networks;

public class PublishedPortsTests
{
    private static JsonObject Host(string portBindings, bool publishAll = false) =>
        new() { ["PortBindings"] = JsonNode.Parse(portBindings), ["PublishAllPorts"] = publishAll };

    private static JsonObject Config(params string[] exposed) =>
        new() { ["ExposedPorts"] = new JsonObject(exposed.Select(p => KeyValuePair.Create(p, (JsonNode?)new JsonObject()))) };

    [Test]
    public void Requested_HostIpAndPort_GivesOneBindingPerEntry()
    {
        var host = Host("""{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"},{"HostIp":"","HostPort":"8081"}],"53/udp":[{"HostIp":"","HostPort":""}]}""");

        var bindings = PublishedPorts.Requested(Config(), host);

        Assert.That(bindings, Is.EqualTo(new[]
        {
            new PortBinding(6, "", 80, "127.0.0.1", 8080, 0),
            new PortBinding(6, "", 80, "", 8081, 0),
            new PortBinding(17, "", 53, "", 0, 0),
        }));
    }

    [Test]
    public void Requested_HostPortRange_KeepsTheRangeEnd()
    {
        var bindings = PublishedPorts.Requested(Config(), Host("""{"80/tcp":[{"HostPort":"8000-8010"}]}"""));

        Assert.That(bindings.Single(), Is.EqualTo(new PortBinding(6, "", 80, "", 8000, 8010)));
    }

    [Test]
    public void Requested_PublishAll_AddsAnEphemeralBindingPerExposedPortNotBound()
    {
        var bindings = PublishedPorts.Requested(Config("80/tcp", "443/tcp", "53/udp"), Host("""{"80/tcp":[{"HostPort":"8080"}]}""", publishAll: true));

        Assert.That(bindings, Is.EquivalentTo(new[]
        {
            new PortBinding(6, "", 80, "", 8080, 0),
            new PortBinding(6, "", 443, "", 0, 0),
            new PortBinding(17, "", 53, "", 0, 0),
        }));
    }

    [TestCase("""{"http/tcp":[]}""", "invalid port specification: \"http/tcp\"")]
    [TestCase("""{"70000/tcp":[]}""", "invalid port specification: \"70000/tcp\"")]
    [TestCase("""{"80/icmp":[]}""", "invalid proto: icmp")]
    [TestCase("""{"80/tcp":[{"HostPort":"90-80"}]}""", "invalid port specification: \"90-80\"")]
    [TestCase("""{"80/tcp":[{"HostIp":"localhost","HostPort":"80"}]}""", "invalid IP address: localhost")]
    public void Validate_BadSpecification_IsInvalidWithMobysMessage(string portBindings, string message)
    {
        var error = Assert.Throws<BerthException>(() => PublishedPorts.Validate(Config(), Host(portBindings)));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [Test]
    public void ExposedPorts_ConfigAndBindings_EachPortOnce()
    {
        var exposed = PublishedPorts.ExposedPorts(Config("80/tcp", "53/udp"), Host("""{"80/tcp":[],"81":[]}"""));

        Assert.That(exposed, Is.EquivalentTo(new[] { new ExposedPort(6, 80), new ExposedPort(17, 53), new ExposedPort(6, 81) }));
    }

    [Test]
    public void Settings_PublishedAndExposed_ShowsBindingsAndNullForTheRest()
    {
        var settings = PublishedPorts.Settings([new ExposedPort(6, 80), new ExposedPort(6, 443)], [new PortBinding(6, "", 80, "", 32768, 0)]);

        Assert.That(settings.ToJsonString(), Is.EqualTo("""{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}],"443/tcp":null}"""));
    }

    [Test]
    public void Summary_Settings_GivesDockerPsEntries()
    {
        var settings = PublishedPorts.Settings([new ExposedPort(6, 443)], [new PortBinding(17, "", 53, "127.0.0.1", 5353, 0)]);

        var summary = PublishedPorts.Summary(settings);

        Assert.That(summary.ToJsonString(), Is.EqualTo("""[{"PrivatePort":443,"Type":"tcp"},{"IP":"127.0.0.1","PrivatePort":53,"PublicPort":5353,"Type":"udp"}]"""));
    }
}
