using Berth.Kernel.Plugins;
using Berth.Sdk.Hosting.Packages;

namespace Berth.Kernel.Tests.Plugins;

[TestFixture]
public sealed class PluginStoreTests
{
    private DirectoryInfo root = null!;
    private PluginStore store = null!;
    private static readonly string Id = new('c', 64);

    [SetUp]
    public void CreateStore()
    {
        root = Directory.CreateTempSubdirectory("berth-store.");
        store = new PluginStore(Path.Combine(root.FullName, "plugins"));
    }

    [TearDown]
    public void RemoveStore() => root.Delete(recursive: true);

    private PluginPackage Package(string version, string marker)
    {
        var dir = Path.Combine(root.FullName, "src-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "rootfs"));
        File.WriteAllText(Path.Combine(dir, "rootfs", "Driver.dll"), marker);
        File.WriteAllText(Path.Combine(dir, "config.json"),
            """{"Interface":{"Types":["berth.logdriver/1.0"]},"berth":{"name":"x","version":"VERSION","assembly":"Driver.dll"}}""".Replace("VERSION", version, StringComparison.Ordinal));
        return PluginPackage.Load(dir, PluginStore.SupportedMajors);
    }

    private async Task<InstalledPlugin> InstallAsync(string version, string marker)
    {
        var stored = store.AddVersion(Id, Package(version, marker), move: false);
        var record = new InstalledPlugin(Id, "x:latest", true, stored.Version, "x:latest", [], DateTimeOffset.UtcNow);
        await store.SaveAsync(record, CancellationToken.None);
        return record;
    }

    private string DriverText(string version) => File.ReadAllText(Path.Combine(store.VersionDirectory(Id, version), "rootfs", "Driver.dll"));

    [Test]
    public async Task AddVersion_SameVersionAgain_ReplacesItsFiles()
    {
        await InstallAsync("1.0.0", "first");
        store.AddVersion(Id, Package("1.0.0", "second"), move: false);
        Assert.That(DriverText("1.0.0"), Is.EqualTo("second"));
        Assert.That(Directory.Exists(store.VersionDirectory(Id, "1.0.0") + ".old"), Is.False);
    }

    [Test]
    public async Task LoadAll_CrashBetweenTheSwapRenames_RestoresTheOldCopy()
    {
        await InstallAsync("1.0.0", "first");
        var version = store.VersionDirectory(Id, "1.0.0");
        Directory.Move(version, version + ".old"); // the first rename happened, the second did not
        Directory.CreateDirectory(version + ".new");

        var loaded = store.LoadAll().Single();

        Assert.That(loaded.Error, Is.Null);
        Assert.That(loaded.Package!.Version, Is.EqualTo("1.0.0"));
        Assert.That(DriverText("1.0.0"), Is.EqualTo("first"));
        Assert.That(Directory.Exists(version + ".new"), Is.False);
    }

    [Test]
    public async Task LoadAll_UnreadableRecord_IsReportedAsBroken()
    {
        await InstallAsync("1.0.0", "first");
        await File.WriteAllTextAsync(Path.Combine(store.PluginDirectory(Id), "plugin.json"), "{ torn");

        var loaded = store.LoadAll().Single();

        Assert.That(loaded.Package, Is.Null);
        Assert.That(loaded.Error, Does.Contain("plugin.json is unreadable"));
        Assert.That(loaded.Plugin.Name, Does.StartWith("broken-"));
    }

    [Test]
    public async Task SaveAsync_Record_IsOwnerOnly()
    {
        await InstallAsync("1.0.0", "first");
        var mode = File.GetUnixFileMode(Path.Combine(store.PluginDirectory(Id), "plugin.json"));
        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }
}
