using Berth.Sdk.Networking.Namespaces;

namespace Berth.Sdk.Networking.Tests.Namespaces;

/// <summary>Failures that need no privileges.</summary>
public class NetworkNamespaceArgumentTests
{
    [Test]
    public void Open_MissingPath_ThrowsIOExceptionNamingIt()
    {
        var e = Assert.Throws<IOException>(() => NetworkNamespace.Open("/nonexistent/berth-netns"))!;

        Assert.That(e.Message, Is.EqualTo("open network namespace /nonexistent/berth-netns: No such file or directory (ENOENT)"));
    }

    [Test]
    public void OpenNetlink_MissingPath_ThrowsBeforeStartingAThread() =>
        Assert.Throws<IOException>(() => NetworkNamespace.OpenNetlink("/nonexistent/berth-netns"));

    [Test]
    public void CreatePersistent_MissingDirectory_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => NetworkNamespace.CreatePersistent("/nonexistent/dir/berth-netns"));
}
