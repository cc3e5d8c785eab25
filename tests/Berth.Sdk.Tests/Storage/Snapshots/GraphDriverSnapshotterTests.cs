using System.Runtime.Versioning;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Snapshots;

namespace Berth.Sdk.Tests.Storage.Snapshots;

[SupportedOSPlatform("linux")]
public sealed class GraphDriverSnapshotterTests
{
    private string root = "";

    [SetUp]
    public void SetUp() => root = Directory.CreateTempSubdirectory("berth-snapshotter-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task Prepare_SecondCall_InitSentOnce()
    {
        var driver = new InitCountingDriver(root);
        var snapshotter = await SnapshotterAsync(driver);

        await snapshotter.PrepareAsync("a", null, null, CancellationToken.None);
        await snapshotter.PrepareAsync("b", null, null, CancellationToken.None);

        Assert.That(driver.Inits, Is.EqualTo(1));
    }

    [Test]
    public async Task DriverRestarted_NextCall_InitSentAgainWithTheSameHome()
    {
        var driver = new InitCountingDriver(root);
        var snapshotter = await SnapshotterAsync(driver);
        await snapshotter.PrepareAsync("a", null, null, CancellationToken.None);

        snapshotter.DriverRestarted();
        await snapshotter.MountsAsync("a", CancellationToken.None);

        Assert.That((driver.Inits, driver.LastHome), Is.EqualTo((2, Path.Combine(root, "home"))));
    }

    private async Task<GraphDriverSnapshotter> SnapshotterAsync(IGraphDriver driver) =>
        new(driver, await SnapshotIndex.LoadAsync(Path.Combine(root, "index"), CancellationToken.None),
            new GraphDriverInitRequest(Path.Combine(root, "home"), [], [], []), TimeProvider.System);

    /// <summary>A graph driver whose layers are plain directories, counting the Init calls it gets.</summary>
    private sealed class InitCountingDriver(string root) : IGraphDriver
    {
        public int Inits { get; private set; }
        public string? LastHome { get; private set; }

        public Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken)
        {
            Inits++;
            LastHome = request.Home;
            return Task.CompletedTask;
        }

        public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(Path.Combine(root, "layers", request.Id));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

        public Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken) => Task.FromResult(Path.Combine(root, "layers", id));

        public Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RemoveAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task PutAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task CleanupAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
