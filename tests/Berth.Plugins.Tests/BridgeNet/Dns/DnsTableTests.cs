using System.Net;
using System.Net.Sockets;
using Berth.Plugins.BridgeNet.Dns;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

public class DnsTableTests
{
    private const AddressFamily V4 = AddressFamily.InterNetwork;
    private const AddressFamily V6 = AddressFamily.InterNetworkV6;

    private DnsTable table = null!;

    [SetUp]
    public void CreateTable() => table = new DnsTable();

    internal static DnsRegistration Registration(string endpoint, string network, string sandbox, string? address, string[] names,
        string[]? links = null, string[]? servers = null, string? addressIPv6 = null) =>
        new(endpoint, network, sandbox, address, addressIPv6, names, links ?? [], servers ?? []);

    [Test]
    public void Lookup_NameOnTheNetwork_AddressOfItsEndpoint()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web", "0123456789ab"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["db"]));

        Assert.That(table.Lookup("/s2", "web", V4), Is.EqualTo(new DnsLookup(true, [IPAddress.Parse("10.0.0.2")])).Using<DnsLookup>(Same));
        Assert.That(table.Lookup("/s1", "0123456789ab", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
        Assert.That(table.Lookup("/s1", "db", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.3") }), "the other way round");
        Assert.That(table.Lookup("/s1", "web", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }), "its own name");
    }

    [Test]
    public void Lookup_AliasOfSeveralEndpoints_EveryAddressInRegistrationOrder()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web1", "web"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["web2", "web"]));

        Assert.That(table.Lookup("/s1", "web", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3") }));
    }

    [TestCase("WEB")]
    [TestCase("Web.")]
    [TestCase("web.")]
    public void Lookup_OtherCaseOrTrailingDot_Found(string name)
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));

        Assert.That(table.Lookup("/s1", name, V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public void Lookup_RegisteredWithTrailingDotAndCapitals_Found()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["My-Web."]));

        Assert.That(table.Lookup("/s1", "my-web", V4).Known, Is.True);
    }

    [Test]
    public void Lookup_NameOnlyOnANetworkTheSandboxIsNotOn_Unknown()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));
        table.Add(Registration("e2", "n2", "/s2", "10.1.0.2", ["db"]));

        Assert.That(table.Lookup("/s2", "web", V4).Known, Is.False);
        Assert.That(table.Lookup("/s1", "db", V4).Known, Is.False);
        Assert.That(table.Lookup("/nobody", "web", V4).Known, Is.False);
    }

    [Test]
    public void Lookup_UnknownName_Unknown()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));

        Assert.That(table.Lookup("/s1", "www.example.com", V4), Is.EqualTo(DnsLookup.Unknown).Using<DnsLookup>(Same));
    }

    [Test]
    public void Lookup_Ipv6OfEndpointWithoutIpv6_KnownWithoutAddresses()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));

        Assert.That(table.Lookup("/s1", "web", V6), Is.EqualTo(new DnsLookup(true, [])).Using<DnsLookup>(Same));
    }

    [Test]
    public void Lookup_Ipv6OfDualStackEndpoint_Ipv6Address()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"], addressIPv6: "fd00::2"));

        Assert.That(table.Lookup("/s1", "web", V6).Addresses, Is.EqualTo(new[] { IPAddress.Parse("fd00::2") }));
        Assert.That(table.Lookup("/s1", "web", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public void Lookup_SandboxOnTwoNetworksBothKnowingTheName_FirstJoinedNetworkAnswers()
    {
        table.Add(Registration("a1", "n1", "/s1", "10.0.0.2", ["me"]));
        table.Add(Registration("a2", "n2", "/s1", "10.1.0.2", ["me"]));
        table.Add(Registration("b1", "n2", "/s2", "10.1.0.3", ["web"]));
        table.Add(Registration("b2", "n1", "/s2", "10.0.0.3", ["web"]));

        Assert.That(table.Lookup("/s1", "web", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.3") }), "s1 joined n1 first");
        Assert.That(table.Lookup("/s2", "me", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.1.0.2") }), "s2 joined n2 first");
    }

    [Test]
    public void Lookup_FirstNetworkHasTheNameWithoutIpv6_NextNetworksIpv6()
    {
        table.Add(Registration("a1", "n1", "/s1", "10.0.0.2", ["x"]));
        table.Add(Registration("a2", "n2", "/s1", "10.1.0.2", ["x"]));
        table.Add(Registration("b1", "n1", "/s2", "10.0.0.3", ["web"]));
        table.Add(Registration("b2", "n2", "/s2", "10.1.0.3", ["web"], addressIPv6: "fd01::3"));

        Assert.That(table.Lookup("/s1", "web", V6).Addresses, Is.EqualTo(new[] { IPAddress.Parse("fd01::3") }));
    }

    [Test]
    public void Lookup_LinkAlias_TargetsAddressForThatSandboxOnly()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["db-container"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["app"], links: ["db-container:database"]));
        table.Add(Registration("e3", "n1", "/s3", "10.0.0.4", ["other"]));

        Assert.That(table.Lookup("/s2", "Database.", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
        Assert.That(table.Lookup("/s3", "database", V4).Known, Is.False);
        Assert.That(table.Lookup("/s1", "database", V4).Known, Is.False);
    }

    [Test]
    public void Lookup_LinkAliasShadowsANameOnTheNetwork_LinkWins()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["real"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["db"]));
        table.Add(Registration("e3", "n1", "/s3", "10.0.0.4", ["app"], links: ["real:db"]));

        Assert.That(table.Lookup("/s3", "db", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public void Lookup_LinkWithoutAlias_TargetNameIsTheAlias()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["db"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["app"], links: ["db"]));

        Assert.That(table.Lookup("/s2", "db", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
    }

    [Test]
    public void Lookup_LinkToTargetOnAnotherNetwork_Unknown()
    {
        table.Add(Registration("e1", "n2", "/s1", "10.1.0.2", ["db"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["app"], links: ["db:database"]));

        Assert.That(table.Lookup("/s2", "database", V4).Known, Is.False);
    }

    [Test]
    public void NameOf_AddressOfEndpointOnTheSandboxsNetwork_FirstName()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["Web", "0123456789ab"], addressIPv6: "fd00::2"));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["db"]));

        Assert.That(table.NameOf("/s2", IPAddress.Parse("10.0.0.2")), Is.EqualTo("Web"));
        Assert.That(table.NameOf("/s2", IPAddress.Parse("fd00::2")), Is.EqualTo("Web"));
        Assert.That(table.NameOf("/s2", IPAddress.Parse("10.0.0.9")), Is.Null);
    }

    [Test]
    public void NameOf_AddressOnAnotherNetwork_Null()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));
        table.Add(Registration("e2", "n2", "/s2", "10.1.0.2", ["db"]));

        Assert.That(table.NameOf("/s2", IPAddress.Parse("10.0.0.2")), Is.Null);
    }

    [Test]
    public void Remove_Registered_NamesGoneAndSandboxGone()
    {
        var web = Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]);
        table.Add(web);
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["db"]));

        Assert.That(table.Remove("e1"), Is.EqualTo(web));

        Assert.That(table.Lookup("/s2", "web", V4).Known, Is.False);
        Assert.That(table.HasSandbox("/s1"), Is.False);
        Assert.That(table.HasSandbox("/s2"), Is.True);
        Assert.That(table.Remove("e1"), Is.Null);
    }

    [Test]
    public void Remove_OneOfTwoEndpointsOfASandbox_SandboxStays()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));
        table.Add(Registration("e2", "n2", "/s1", "10.1.0.2", ["web"]));

        table.Remove("e1");

        Assert.That(table.HasSandbox("/s1"), Is.True);
        Assert.That(table.Lookup("/s1", "web", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.1.0.2") }));
    }

    [Test]
    public void Add_SameEndpointAgain_NewNamesReplaceOld()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"]));
        table.Add(Registration("e2", "n1", "/s2", "10.0.0.3", ["web2"]));

        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["api"]));

        Assert.That(table.Lookup("/s2", "web", V4).Known, Is.False);
        Assert.That(table.Lookup("/s2", "api", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.2") }));
        Assert.That(table.Lookup("/s2", "web2", V4).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.3") }), "the replaced one keeps its place");
    }

    [Test]
    public void ServersOf_Sandbox_ServersOfItsRegistrationsInOrderWithoutRepeats()
    {
        table.Add(Registration("e1", "n1", "/s1", "10.0.0.2", ["web"], servers: ["10.0.0.53", "10.0.1.53"]));
        table.Add(Registration("e2", "n2", "/s1", "10.1.0.2", ["web"], servers: ["10.0.1.53", "10.0.2.53"]));

        Assert.That(table.ServersOf("/s1"), Is.EqualTo(new[] { "10.0.0.53", "10.0.1.53", "10.0.2.53" }));
        Assert.That(table.ServersOf("/s2"), Is.Empty);
    }

    [Test]
    public async Task Lookup_WhileRegistering_NeverThrows()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var writer = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                table.Add(Registration($"e{i % 50}", $"n{i % 3}", $"/s{i % 7}", $"10.0.0.{i % 200}", [$"name{i % 11}"]));
                if (i % 2 == 0) table.Remove($"e{(i + 25) % 50}");
            }
        });
        var lookups = 0;
        while (!stop.IsCancellationRequested)
        {
            table.Lookup($"/s{lookups % 7}", $"name{lookups % 11}", V4);
            table.NameOf($"/s{lookups % 7}", IPAddress.Parse("10.0.0.1"));
            lookups++;
        }
        await writer;

        Assert.That(lookups, Is.Positive);
    }

    private static bool Same(DnsLookup a, DnsLookup b) => a.Known == b.Known && a.Addresses.SequenceEqual(b.Addresses);
}
