using System.Net.Sockets;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Plugins.V1;

public sealed class V1PluginDiscoveryTests
{
    private readonly List<Socket> sockets = [];
    private string root = "";

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("berth-v1-discovery.").FullName;

    private string Sockets => Path.Combine(root, "run");
    private string Etc => Path.Combine(root, "etc");
    private string Lib => Path.Combine(root, "lib");

    private V1PluginDiscovery Discovery() => new(Sockets, [Etc, Lib]);

    private string Listen(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        sockets.Add(socket);
        return path;
    }

    private static string Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Locate_SocketNamedAfterPlugin_ReturnsUnixAddress()
    {
        var path = Listen(Path.Combine(Sockets, "foo.sock"));

        var found = Discovery().Locate("foo")!;

        Assert.That(found.IsUnixSocket, Is.True);
        Assert.That(found.SocketPath, Is.EqualTo(path));
        Assert.That(found.FoundAt, Is.EqualTo(path));
    }

    [Test]
    public void Locate_SocketInFolderOfPluginName_ReturnsUnixAddress()
    {
        var path = Listen(Path.Combine(Sockets, "foo", "foo.sock"));

        Assert.That(Discovery().Locate("foo")!.SocketPath, Is.EqualTo(path));
    }

    [Test]
    public void Locate_RegularFileNamedLikeSocket_IsNotAPlugin()
    {
        Write(Path.Combine(Sockets, "foo.sock"), "");

        Assert.That(Discovery().Locate("foo"), Is.Null);
    }

    [Test]
    public void Locate_SpecFile_ReturnsItsUrl()
    {
        var spec = Write(Path.Combine(Etc, "foo.spec"), "unix:///var/run/foo/plugin.sock\n");

        var found = Discovery().Locate("foo")!;

        Assert.That(found.SocketPath, Is.EqualTo("/var/run/foo/plugin.sock"));
        Assert.That(found.FoundAt, Is.EqualTo(spec));
    }

    [Test]
    public void Locate_TcpSpecFile_ReturnsTcpAddress()
    {
        Write(Path.Combine(Lib, "foo.spec"), "tcp://127.0.0.1:8080");

        var found = Discovery().Locate("foo")!;

        Assert.That(found.IsUnixSocket, Is.False);
        Assert.That(V1Transport.BaseAddress(found), Is.EqualTo(new Uri("http://127.0.0.1:8080/")));
    }

    [Test]
    public void Locate_JsonSpecInSubfolder_ReturnsItsAddr()
    {
        Write(Path.Combine(Etc, "foo", "foo.json"), "{\"Name\":\"foo\",\"Addr\":\"https://127.0.0.1:9443\"}");

        var found = Discovery().Locate("foo")!;

        Assert.That(V1Transport.BaseAddress(found), Is.EqualTo(new Uri("https://127.0.0.1:9443/")));
    }

    [Test]
    public void Locate_SocketAndSpec_SocketWins()
    {
        var path = Listen(Path.Combine(Sockets, "foo.sock"));
        Write(Path.Combine(Etc, "foo.spec"), "tcp://127.0.0.1:8080");

        Assert.That(Discovery().Locate("foo")!.FoundAt, Is.EqualTo(path));
    }

    [Test]
    public void Locate_EtcBeforeLib_EtcWins()
    {
        var etc = Write(Path.Combine(Etc, "foo.spec"), "tcp://127.0.0.1:1");
        Write(Path.Combine(Lib, "foo.spec"), "tcp://127.0.0.1:2");

        Assert.That(Discovery().Locate("foo")!.FoundAt, Is.EqualTo(etc));
    }

    [Test]
    public void Locate_SpecWithoutScheme_Throws400()
    {
        Write(Path.Combine(Etc, "foo.spec"), "127.0.0.1:8080");

        var ex = Assert.Throws<BerthException>(() => Discovery().Locate("foo"))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain("not a unix://, tcp:// or http(s):// address"));
    }

    [TestCase("../foo")]
    [TestCase("a/b")]
    [TestCase("..")]
    [TestCase("")]
    public void Locate_NameThatIsAPath_ReturnsNull(string name)
    {
        Listen(Path.Combine(Sockets, "foo.sock"));

        Assert.That(Discovery().Locate(name), Is.Null);
    }

    [Test]
    public void Locate_NothingOfThatName_ReturnsNull() => Assert.That(Discovery().Locate("nope"), Is.Null);

    [TearDown]
    public void RemoveRoot()
    {
        foreach (var socket in sockets) socket.Dispose();
        sockets.Clear();
        Directory.Delete(root, recursive: true);
    }
}
