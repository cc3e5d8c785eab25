using Berth.Kernel.InitLayer;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Tests.InitLayer;

public class EtcFilesTests
{
    private string root = null!;
    private EtcFiles files = null!;

    [SetUp]
    public void CreateRoot()
    {
        root = Directory.CreateTempSubdirectory("berth-etc.").FullName;
        files = new EtcFiles(Path.Combine(root, "containers", "abc"));
    }

    [TearDown]
    public void RemoveRoot() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task WriteHostnameAsync_Hostname_WritesItWithANewlineMode0644()
    {
        await files.WriteHostnameAsync("0123456789ab", CancellationToken.None);
        var content = await File.ReadAllTextAsync(files.HostnamePath);

        Assert.Multiple(() =>
        {
            Assert.That(content, Is.EqualTo("0123456789ab\n"));
            Assert.That(File.GetUnixFileMode(files.HostnamePath), Is.EqualTo(ContainerFileWriter.Mode));
            Assert.That(Directory.EnumerateFiles(files.ContainerDirectory), Is.EqualTo(new[] { files.HostnamePath }), "no temp file left");
        });
    }

    [Test]
    public async Task WriteHostsAsync_ExistingFile_RewrittenInPlaceSoABindMountSeesIt()
    {
        await files.WriteHostsAsync(new HostsFileOptions { Hostname = "web" }, CancellationToken.None);
        var inode = Posix.LStat(files.HostsPath).Inode;

        await files.WriteHostsAsync(new HostsFileOptions { Hostname = "web", ContainerAddresses = ["172.17.0.3"] }, CancellationToken.None);
        var content = await File.ReadAllTextAsync(files.HostsPath);

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LStat(files.HostsPath).Inode, Is.EqualTo(inode));
            Assert.That(content, Does.EndWith("ff02::2\tip6-allrouters\n172.17.0.3\tweb\n"));
        });
    }

    [Test]
    public async Task WriteHostsAsync_HostNetworkWithoutExtraHosts_CopiesTheHostsFile()
    {
        var hostHosts = Path.Combine(root, "host-hosts");
        await File.WriteAllTextAsync(hostHosts, "127.0.0.1 localhost myhost\n# mine\n");

        await files.WriteHostsAsync(new HostsFileOptions { HostNetwork = true, HostHostsPath = hostHosts, Hostname = "myhost" }, CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(files.HostsPath), Is.EqualTo("127.0.0.1 localhost myhost\n# mine\n"));
    }

    [Test]
    public async Task WriteHostsAsync_HostNetworkWithExtraHosts_BuildsTheFile()
    {
        await files.WriteHostsAsync(new HostsFileOptions { HostNetwork = true, HostHostsPath = Path.Combine(root, "none"), ExtraHosts = ["a:10.0.0.1"] }, CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(files.HostsPath), Does.StartWith("127.0.0.1\tlocalhost\n").And.EndWith("\n10.0.0.1\ta\n"));
    }

    [Test]
    public async Task AddAndRemoveHostsEntriesAsync_LinkRecords_AppendedThenRemovedInPlace()
    {
        await files.WriteHostsAsync(new HostsFileOptions { Hostname = "web", IPv6Enabled = false }, CancellationToken.None);
        var inode = Posix.LStat(files.HostsPath).Inode;
        HostsEntry[] link = [new("172.17.0.2", "db 0123456789ab")];

        await files.AddHostsEntriesAsync(link, CancellationToken.None);
        var added = await File.ReadAllTextAsync(files.HostsPath);
        await files.RemoveHostsEntriesAsync(link, CancellationToken.None);
        var removed = await File.ReadAllTextAsync(files.HostsPath);

        Assert.Multiple(() =>
        {
            Assert.That(added, Is.EqualTo("127.0.0.1\tlocalhost\n172.17.0.2\tdb 0123456789ab\n"));
            Assert.That(removed, Is.EqualTo("127.0.0.1\tlocalhost\n"));
            Assert.That(Posix.LStat(files.HostsPath).Inode, Is.EqualTo(inode));
        });
    }

    [Test]
    public async Task UpdateHostsEntryAsync_LinkedContainerMoved_PointsTheAliasAtTheNewAddress()
    {
        await files.WriteHostsAsync(new HostsFileOptions { IPv6Enabled = false, LinkEntries = [new HostsEntry("172.17.0.2", "db 0123456789ab")] }, CancellationToken.None);

        await files.UpdateHostsEntryAsync("db", "172.17.0.9", CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(files.HostsPath), Is.EqualTo("127.0.0.1\tlocalhost\n172.17.0.9\tdb 0123456789ab\n"));
    }

    [Test]
    public void AddHostsEntriesAsync_NoHostsFileYet_ThrowsFileNotFound() =>
        Assert.ThrowsAsync<FileNotFoundException>(() => files.AddHostsEntriesAsync([new HostsEntry("10.0.0.1", "a")], CancellationToken.None));

    [Test]
    public async Task WriteResolvConfAsync_FirstWrite_WritesFileAndDigest()
    {
        var hostFile = Path.Combine(root, "resolv.conf");
        await File.WriteAllTextAsync(hostFile, "nameserver 10.0.0.1\n");

        var result = await files.WriteResolvConfAsync(new ResolvConfOptions { HostResolvConfPath = hostFile }, CancellationToken.None);
        var content = await File.ReadAllTextAsync(files.ResolvConfPath);
        var digest = await File.ReadAllTextAsync(files.ResolvConfHashPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.Written);
            Assert.That(content, Does.Contain("\nnameserver 10.0.0.1\n"));
            Assert.That(digest, Does.Match("^sha256:[0-9a-f]{64}$"));
        });
    }

    [Test]
    public async Task WriteResolvConfAsync_UserEditedTheFile_LeavesItAlone()
    {
        var hostFile = Path.Combine(root, "resolv.conf");
        await File.WriteAllTextAsync(hostFile, "nameserver 10.0.0.1\n");
        var options = new ResolvConfOptions { HostResolvConfPath = hostFile };
        await files.WriteResolvConfAsync(options, CancellationToken.None);
        await File.WriteAllTextAsync(files.ResolvConfPath, "nameserver 9.9.9.9\n");
        await File.WriteAllTextAsync(hostFile, "nameserver 10.0.0.2\n");

        var result = await files.WriteResolvConfAsync(options, CancellationToken.None);
        var content = await File.ReadAllTextAsync(files.ResolvConfPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.Written, Is.False);
            Assert.That(content, Is.EqualTo("nameserver 9.9.9.9\n"));
        });
    }

    [Test]
    public async Task WriteResolvConfAsync_HostChangedButFileUntouched_RewritesIt()
    {
        var hostFile = Path.Combine(root, "resolv.conf");
        await File.WriteAllTextAsync(hostFile, "nameserver 10.0.0.1\n");
        var options = new ResolvConfOptions { HostResolvConfPath = hostFile };
        await files.WriteResolvConfAsync(options, CancellationToken.None);
        await File.WriteAllTextAsync(hostFile, "nameserver 10.0.0.2\n");

        var result = await files.WriteResolvConfAsync(options, CancellationToken.None);
        var content = await File.ReadAllTextAsync(files.ResolvConfPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.Written);
            Assert.That(content, Does.Contain("\nnameserver 10.0.0.2\n"));
        });
    }
}
