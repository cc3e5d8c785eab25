using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Ports;

/// <summary>Real sockets on 127.0.0.1 of the test's own namespace, never listening: nothing is reachable from anywhere.</summary>
public class PortReservationsTests
{
    private const string ContainerIP = "10.1.0.2";
    private PortReservations reservations = null!;

    [SetUp]
    public void CreateReservations() => reservations = new PortReservations(new HostPortSockets(), TestContext.Out);

    [TearDown]
    public void ReleaseEverything() => reservations.Dispose();

    [Test]
    public void Reserve_EphemeralPort_FromTheKernelsLocalPortRange()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();

        var published = reservations.Reserve("e1", [Tcp(0), Udp(0)], IPAddress.Any, ContainerIP);

        Assert.That(published.Select(p => p.HostPort), Has.All.InRange(range[0], range[1]));
        Assert.That(published.Select(p => (p.Proto, p.HostIP, p.ContainerIP, p.ContainerPort)),
            Is.EqualTo(new[] { ("tcp", "0.0.0.0", ContainerIP, 80), ("udp", "0.0.0.0", ContainerIP, 80) }));
    }

    [Test]
    public void Reserve_FixedPort_OtherProgramsCannotBindItEvenWithReuseAddress()
    {
        var port = FreePort();

        var published = reservations.Reserve("e1", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP);

        Assert.That(published.Single(), Is.EqualTo(new PublishedPort("tcp", "127.0.0.1", port, ContainerIP, 80)));
        // .NET sets SO_REUSEADDR on TCP sockets before bind; the held socket has not, so the kernel refuses.
        Assert.That(CanListen(IPAddress.Loopback, port), Is.False);
        Assert.That(CanListen(IPAddress.Any, port), Is.False);
    }

    [Test]
    public void Reserve_PortOfAnotherEndpoint_AlreadyAllocated()
    {
        var port = FreePort();
        reservations.Reserve("e1", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP);

        var ex = Assert.Throws<BerthException>(() => reservations.Reserve("e2", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, "10.1.0.3"));

        Assert.That((ex!.Kind, ex.Message), Is.EqualTo((BerthErrorKind.System, $"Bind for 127.0.0.1:{port} failed: port is already allocated")));
        Assert.That(reservations.Holds("e2"), Is.False);
    }

    [Test]
    public void Reserve_EveryAddressWhenOneAddressIsPublished_AlreadyAllocated()
    {
        var port = FreePort();
        reservations.Reserve("e1", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP);

        var ex = Assert.Throws<BerthException>(() => reservations.Reserve("e2", [Tcp(port)], IPAddress.Any, "10.1.0.3"));

        Assert.That(ex!.Message, Is.EqualTo($"Bind for 0.0.0.0:{port} failed: port is already allocated"));
    }

    [Test]
    public void Reserve_SamePortOtherProtocol_BothHeld()
    {
        var port = FreePort();

        var published = reservations.Reserve("e1", [Tcp(port, IPAddress.Loopback), Udp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP);

        Assert.That(published.Select(p => p.HostPort), Is.EqualTo(new[] { port, port }));
    }

    [Test]
    public void Reserve_PortHeldByAnotherProgram_AddressAlreadyInUse()
    {
        using var other = Listener(IPAddress.Loopback, 0);
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;

        var ex = Assert.Throws<BerthException>(() => reservations.Reserve("e1", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP));

        Assert.That((ex!.Kind, ex.Message), Is.EqualTo((BerthErrorKind.System, $"failed to bind host port for 127.0.0.1:{port}:{ContainerIP}:80/tcp: address already in use")));
    }

    [Test]
    public void Reserve_SecondPortTaken_FirstReleasedAgain()
    {
        var first = FreePort();
        using var other = Listener(IPAddress.Loopback, 0);
        var taken = ((IPEndPoint)other.LocalEndPoint!).Port;

        Assert.Throws<BerthException>(() => reservations.Reserve("e1", [Tcp(first, IPAddress.Loopback), Tcp(taken, IPAddress.Loopback)], IPAddress.Any, ContainerIP));

        Assert.That(reservations.Holds("e1"), Is.False);
        Assert.That(CanListen(IPAddress.Loopback, first), Is.True);
    }

    [Test]
    public void Reserve_RangeWithFirstPortTaken_NextPort()
    {
        var (low, high) = FreePortPair();
        using var other = Listener(IPAddress.Loopback, low);

        var published = reservations.Reserve("e1", [new PortRequest(PortProtocol.Tcp, IPAddress.Loopback, low, high, 80)], IPAddress.Any, ContainerIP);

        Assert.That(published.Single().HostPort, Is.EqualTo(high));
    }

    [Test]
    public void Reserve_RangeAllPublished_AlreadyAllocatedNamingTheRange()
    {
        var (low, high) = FreePortPair();
        reservations.Reserve("e1", [Tcp(low, IPAddress.Loopback), Tcp(high, IPAddress.Loopback)], IPAddress.Any, ContainerIP);

        var ex = Assert.Throws<BerthException>(() =>
            reservations.Reserve("e2", [new PortRequest(PortProtocol.Tcp, IPAddress.Loopback, low, high, 80)], IPAddress.Any, ContainerIP));

        Assert.That(ex!.Message, Is.EqualTo($"Bind for 127.0.0.1:{low}-{high} failed: port is already allocated"));
    }

    [Test]
    public void Reserve_NoAddressGiven_DefaultAddress()
    {
        var published = reservations.Reserve("e1", [Tcp(0)], IPAddress.Loopback, ContainerIP);

        Assert.That(published.Single().HostIP, Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public void Reserve_AddressNotOnTheHost_CannotAssign()
    {
        var ex = Assert.Throws<BerthException>(() => reservations.Reserve("e1", [Tcp(8080, IPAddress.Parse("192.0.2.250"))], IPAddress.Any, ContainerIP));

        Assert.That(ex!.Message, Does.StartWith($"failed to bind host port for 192.0.2.250:8080:{ContainerIP}:80/tcp: cannot assign requested address"));
    }

    [Test]
    public void Release_Endpoint_PortsFreeAgain()
    {
        var port = FreePort();
        reservations.Reserve("e1", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP);

        reservations.Release("e1");
        reservations.Release("e1");

        Assert.That(reservations.Holds("e1"), Is.False);
        Assert.That(CanListen(IPAddress.Loopback, port), Is.True);
        reservations.Reserve("e2", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP);
    }

    [Test]
    public void Restore_PortsFromState_HeldAgain()
    {
        var port = FreePort();

        var problems = reservations.Restore("e1", [new PublishedPort("tcp", "127.0.0.1", port, ContainerIP, 80)]);

        Assert.That(problems, Is.Empty);
        Assert.That(CanListen(IPAddress.Loopback, port), Is.False);
        var ex = Assert.Throws<BerthException>(() => reservations.Reserve("e2", [Tcp(port, IPAddress.Loopback)], IPAddress.Any, ContainerIP));
        Assert.That(ex!.Message, Does.EndWith("port is already allocated"));
    }

    [Test]
    public void Restore_PortTakenMeanwhile_ReportedStillNotedThenHeldOnceFree()
    {
        var other = Listener(IPAddress.Loopback, 0);
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;
        var published = new PublishedPort("tcp", "127.0.0.1", port, ContainerIP, 80);

        var problems = reservations.Restore("e1", [published]);
        other.Dispose();
        var again = reservations.Restore("e1", [published]);

        Assert.That(problems.Single(), Does.Contain("address already in use"));
        Assert.That(again, Is.Empty);
        Assert.That(CanListen(IPAddress.Loopback, port), Is.False);
    }

    [Test]
    public void RetryMissing_PortFreedByTheOtherProcess_HeldThen()
    {
        var other = Listener(IPAddress.Loopback, 0);
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;
        reservations.Restore("e1", [new PublishedPort("tcp", "127.0.0.1", port, ContainerIP, 80)]);

        var whileTaken = reservations.RetryMissing();
        other.Dispose();
        var afterwards = reservations.RetryMissing();

        Assert.That((whileTaken, afterwards), Is.EqualTo((1, 0)));
        Assert.That(CanListen(IPAddress.Loopback, port), Is.False);
    }

    private static PortRequest Tcp(int hostPort, IPAddress? hostIP = null) => new(PortProtocol.Tcp, hostIP, hostPort, hostPort, 80);

    private static PortRequest Udp(int hostPort, IPAddress? hostIP = null) => new(PortProtocol.Udp, hostIP, hostPort, hostPort, 80);

    private static Socket Listener(IPAddress address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool CanListen(IPAddress address, int port)
    {
        try
        {
            Listener(address, port).Dispose();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    /// <summary>A TCP port free on every address right now (for both tcp and udp).</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var probe = Listener(IPAddress.Any, 0)) port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            if (CanBindUdp(port)) return port;
        }
        throw new InvalidOperationException("no free port");
    }

    private static (int Low, int High) FreePortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var low = FreePort();
            if (low < 65535 && CanListen(IPAddress.Any, low + 1)) return (low, low + 1);
        }
        throw new InvalidOperationException("no two free ports in a row");
    }

    private static bool CanBindUdp(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
