using Berth.Sdk.Networking.Namespaces;
using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Namespaces;

/// <summary>Persistent network namespaces and work inside them (root only).</summary>
public class NetworkNamespaceTests
{
    private TestNamespaces? _namespaces;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        _namespaces = new TestNamespaces();
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public void CreatePersistent_NewPath_PinsANamespaceWithOnlyADownLoopback()
    {
        var path = _namespaces!.Create("fresh");

        Assert.That(MountedNsfs(), Does.Contain(path));
        var links = _namespaces.Netlink(path).GetLinks();
        Assert.That(links.Select(l => (l.Name, l.IsUp)), Is.EqualTo(new[] { ("lo", false) }));
    }

    [Test]
    public void CreatePersistent_CallingThread_StaysInItsOwnNamespace()
    {
        var before = CurrentNamespace();

        _namespaces!.Create("other");

        Assert.That(CurrentNamespace(), Is.EqualTo(before));
    }

    [Test]
    public void Delete_Namespace_RemovesTheMountAndTheFile()
    {
        var path = _namespaces!.Create("doomed");

        NetworkNamespace.Delete(path);

        Assert.That(MountedNsfs(), Does.Not.Contain(path));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void Delete_MissingPath_DoesNothing() =>
        Assert.DoesNotThrow(() => NetworkNamespace.Delete(Path.Combine(_namespaces!.Directory, "never-created")));

    [Test]
    public void Run_InsideNamespace_SeesThatNamespaceAndLeavesTheCallerWhereItWas()
    {
        var path = _namespaces!.Create("inside");
        var caller = CurrentNamespace();

        var first = NetworkNamespace.Run(path, CurrentNamespace);
        var second = NetworkNamespace.Run(path, CurrentNamespace);

        Assert.That(first, Is.Not.EqualTo(caller));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(CurrentNamespace(), Is.EqualTo(caller));
    }

    [Test]
    public async Task RunAsync_InsideNamespace_ReturnsTheResultFromInside()
    {
        var path = _namespaces!.Create("async");

        var inside = await Wait.Within(NetworkNamespace.RunAsync(path, CurrentNamespace));
        var again = await Wait.Within(NetworkNamespace.RunAsync(path, CurrentNamespace));

        Assert.That(again, Is.EqualTo(inside));
        Assert.That(inside, Is.Not.EqualTo(CurrentNamespace()));
    }

    [Test]
    public void Run_ActionThrows_RethrowsTheActionsException()
    {
        var path = _namespaces!.Create("throws");

        var e = Assert.Throws<InvalidOperationException>(() => NetworkNamespace.Run<int>(path, () => throw new InvalidOperationException("boom")))!;

        Assert.That(e.Message, Is.EqualTo("boom"));
    }

    [Test]
    public void Run_RegularFile_ThrowsIOExceptionSayingItIsNoNamespace()
    {
        var path = Path.Combine(_namespaces!.Directory, "plain-file");
        File.WriteAllText(path, "");

        var e = Assert.Throws<IOException>(() => NetworkNamespace.Run(path, () => 0))!;

        Assert.That(e.Message, Does.StartWith($"setns {path} (is it a network namespace?)"));
    }

    [Test]
    public void CreatePersistent_ExistingFile_ThrowsAndLeavesTheFileAlone()
    {
        var path = Path.Combine(_namespaces!.Directory, "taken");
        File.WriteAllText(path, "x");

        Assert.Throws<IOException>(() => NetworkNamespace.CreatePersistent(path));

        Assert.That(File.ReadAllText(path), Is.EqualTo("x"));
        Assert.That(MountedNsfs(), Does.Not.Contain(path));
    }

    [Test]
    public void OpenNetlink_UsedFromTheTestThread_ChangesOnlyThatNamespace()
    {
        var path = _namespaces!.Create("socket");
        var netlink = _namespaces.Netlink(path);

        netlink.CreateBridge("br-socket");

        Assert.That(NetworkNamespace.Run(path, () =>
        {
            using var inside = new RtNetlink();
            return inside.GetIndex("br-socket");
        }), Is.Not.Null);
        using var here = new RtNetlink();
        Assert.That(here.GetIndex("br-socket"), Is.Null);
    }

    private static string CurrentNamespace() => new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "";

    private static List<string> MountedNsfs() =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f[2] == "nsfs").Select(f => f[1]).ToList();
}
