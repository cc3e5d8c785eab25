using System.Runtime.Versioning;

namespace Berth.Sdk.Tests.Storage;

/// <summary>
/// A temporary parent folder holding the layer root (<c>parent/root</c>) and nothing else, so a test can assert that
/// nothing was created outside the root. Deleted on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LayerTestDirectory : IDisposable
{
    public LayerTestDirectory()
    {
        Parent = Directory.CreateTempSubdirectory("berth-layer-test-").FullName;
        Root = Path.Combine(Parent, "root");
        Directory.CreateDirectory(Root);
    }

    public string Parent { get; }

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    /// <summary>A second folder next to the root, for trees that must not be the root.</summary>
    public string Sibling(string name)
    {
        var path = Path.Combine(Parent, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void AssertNothingOutsideRoot() =>
        Assert.That(Directory.EnumerateFileSystemEntries(Parent).Select(Path.GetFileName), Is.EquivalentTo(new[] { "root" }),
            "the layer wrote next to its root");

    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess) Assert.Ignore("needs root (chown, mknod, trusted.* xattrs)");
    }

    public void Dispose()
    {
        if (Directory.Exists(Parent)) Directory.Delete(Parent, recursive: true);
    }
}
