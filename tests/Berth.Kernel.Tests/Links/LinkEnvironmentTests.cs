using Berth.Kernel.Links;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Links;

public class LinkEnvironmentTests
{
    private const string ChildId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void Build_PortAndRangeAndEnv_GivesMobysVariablesInItsOrder()
    {
        var target = new LinkTarget(ChildId, "/db", "172.17.0.2", ["8081/tcp", "80/tcp", "8080/tcp"], ["FOO=bar", "HOME=/root", "PATH=/usr/bin", "HOSTNAME=db1", "NOVALUE"]);

        var env = LinkEnvironment.Build(target, "database", "/web");

        Assert.That(env, Is.EqualTo(new[]
        {
            "DATABASE_PORT=tcp://172.17.0.2:80",
            "DATABASE_PORT_80_TCP=tcp://172.17.0.2:80",
            "DATABASE_PORT_80_TCP_ADDR=172.17.0.2",
            "DATABASE_PORT_80_TCP_PORT=80",
            "DATABASE_PORT_80_TCP_PROTO=tcp",
            "DATABASE_PORT_8080_TCP=tcp://172.17.0.2:8080",
            "DATABASE_PORT_8080_TCP_ADDR=172.17.0.2",
            "DATABASE_PORT_8080_TCP_PORT=8080",
            "DATABASE_PORT_8080_TCP_PROTO=tcp",
            "DATABASE_PORT_8081_TCP=tcp://172.17.0.2:8081",
            "DATABASE_PORT_8081_TCP_ADDR=172.17.0.2",
            "DATABASE_PORT_8081_TCP_PORT=8081",
            "DATABASE_PORT_8081_TCP_PROTO=tcp",
            "DATABASE_PORT_8080_TCP_START=tcp://172.17.0.2:8080",
            "DATABASE_PORT_8080_TCP_PORT_START=8080",
            "DATABASE_PORT_8080_TCP_END=tcp://172.17.0.2:8081",
            "DATABASE_PORT_8080_TCP_PORT_END=8081",
            "DATABASE_NAME=/web/database",
            "DATABASE_ENV_FOO=bar",
            "DATABASE_ENV_HOSTNAME=db1",
        }));
    }

    [Test]
    public void Build_RangeKeyAndDefaultProtocol_ExpandsLikeSinglePorts()
    {
        var fromRange = LinkEnvironment.Build(new LinkTarget(ChildId, "/db", "10.0.0.2", ["80", "8080-8081/TCP"], []), "db", "web");
        var fromPorts = LinkEnvironment.Build(new LinkTarget(ChildId, "/db", "10.0.0.2", ["80/tcp", "8080/tcp", "8081/tcp", "80/tcp"], []), "db", "web");

        Assert.That(fromRange, Is.EqualTo(fromPorts));
    }

    /// <summary>moby's TestLinkMultipleEnv (daemon/links/links_test.go), compared sorted as there.</summary>
    [Test]
    public void Build_MobysMultipleEnvCase_MatchesItsExpectedList()
    {
        var target = new LinkTarget(ChildId, "/docker", "172.0.17.2", ["6300/udp", "6379/tcp", "6380/tcp", "6381/tcp", "6382/udp"], ["PASSWORD=gordon"]);

        var env = LinkEnvironment.Build(target, "docker", "/db").Order(StringComparer.Ordinal);

        Assert.That(env, Is.EqualTo(new[]
        {
            "DOCKER_ENV_PASSWORD=gordon",
            "DOCKER_NAME=/db/docker",
            "DOCKER_PORT=tcp://172.0.17.2:6379",
            "DOCKER_PORT_6300_UDP=udp://172.0.17.2:6300",
            "DOCKER_PORT_6300_UDP_ADDR=172.0.17.2",
            "DOCKER_PORT_6300_UDP_PORT=6300",
            "DOCKER_PORT_6300_UDP_PROTO=udp",
            "DOCKER_PORT_6379_TCP=tcp://172.0.17.2:6379",
            "DOCKER_PORT_6379_TCP_ADDR=172.0.17.2",
            "DOCKER_PORT_6379_TCP_END=tcp://172.0.17.2:6381",
            "DOCKER_PORT_6379_TCP_PORT=6379",
            "DOCKER_PORT_6379_TCP_PORT_END=6381",
            "DOCKER_PORT_6379_TCP_PORT_START=6379",
            "DOCKER_PORT_6379_TCP_PROTO=tcp",
            "DOCKER_PORT_6379_TCP_START=tcp://172.0.17.2:6379",
            "DOCKER_PORT_6380_TCP=tcp://172.0.17.2:6380",
            "DOCKER_PORT_6380_TCP_ADDR=172.0.17.2",
            "DOCKER_PORT_6380_TCP_PORT=6380",
            "DOCKER_PORT_6380_TCP_PROTO=tcp",
            "DOCKER_PORT_6381_TCP=tcp://172.0.17.2:6381",
            "DOCKER_PORT_6381_TCP_ADDR=172.0.17.2",
            "DOCKER_PORT_6381_TCP_PORT=6381",
            "DOCKER_PORT_6381_TCP_PROTO=tcp",
            "DOCKER_PORT_6382_UDP=udp://172.0.17.2:6382",
            "DOCKER_PORT_6382_UDP_ADDR=172.0.17.2",
            "DOCKER_PORT_6382_UDP_PORT=6382",
            "DOCKER_PORT_6382_UDP_PROTO=udp",
        }));
    }

    [Test]
    public void Build_AliasWithDash_UsesUnderscoresInVariableNames()
    {
        var env = LinkEnvironment.Build(new LinkTarget(ChildId, "/db", "172.0.17.2", ["6379/tcp"], []), "docker-1", "db");

        Assert.That(env.Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "DOCKER_1_NAME=/db/docker-1",
            "DOCKER_1_PORT=tcp://172.0.17.2:6379",
            "DOCKER_1_PORT_6379_TCP=tcp://172.0.17.2:6379",
            "DOCKER_1_PORT_6379_TCP_ADDR=172.0.17.2",
            "DOCKER_1_PORT_6379_TCP_PORT=6379",
            "DOCKER_1_PORT_6379_TCP_PROTO=tcp",
        }));
    }

    [Test]
    public void Build_NoPortsNoEnv_OnlyTheName() =>
        Assert.That(LinkEnvironment.Build(new LinkTarget(ChildId, "/db", "172.17.0.2", [], []), "db", "/web"), Is.EqualTo(new[] { "DB_NAME=/web/db" }));

    [TestCase("http")]
    [TestCase("80-70/tcp")]
    [TestCase("80/")]
    [TestCase("70000/tcp")]
    public void Build_BadExposedPort_ThrowsInvalid(string port)
    {
        var error = Assert.Throws<BerthException>(() => LinkEnvironment.Build(new LinkTarget(ChildId, "/db", "172.17.0.2", [port], []), "db", "/web"))!;

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }
}
