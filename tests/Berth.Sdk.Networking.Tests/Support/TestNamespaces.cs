using Berth.Sdk.Networking.Namespaces;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Support;

/// <summary>
/// Network namespaces of one test, pinned under a temporary directory, and the netlink sockets opened in them.
/// Dispose (from [TearDown]) closes the sockets, then deletes the namespaces (and with them every link inside) and
/// the directory, even when the test failed half-way.
/// </summary>
internal sealed class TestNamespaces : IDisposable
{
    private readonly List<string> _paths = [];
    private readonly List<RtNetlink> _sockets = [];

    public TestNamespaces()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("berth-netns-test-").FullName;
    }

    public string Directory { get; }

    /// <summary>Creates the namespace <paramref name="name"/> and returns its path.</summary>
    public string Create(string name)
    {
        var path = Path.Combine(Directory, name);
        _paths.Add(path);
        NetworkNamespace.CreatePersistent(path);
        return path;
    }

    /// <summary>A netlink socket inside the namespace at <paramref name="path"/>, closed on dispose.</summary>
    public RtNetlink Netlink(string path)
    {
        var netlink = NetworkNamespace.OpenNetlink(path);
        _sockets.Add(netlink);
        return netlink;
    }

    /// <summary>Creates the namespace <paramref name="name"/> and opens a netlink socket inside it.</summary>
    public (string Path, RtNetlink Netlink) CreateWithNetlink(string name)
    {
        var path = Create(name);
        return (path, Netlink(path));
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
        var failures = new List<Exception>();
        foreach (var path in _paths)
        {
            try
            {
                NetworkNamespace.Delete(path);
            }
            catch (IOException e)
            {
                failures.Add(e);
            }
        }
        if (failures.Count > 0) throw new AggregateException("could not delete every test namespace", failures);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
