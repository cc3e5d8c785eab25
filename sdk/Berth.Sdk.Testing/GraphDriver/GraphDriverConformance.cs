using Berth.Sdk.GraphDriver;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks an <see cref="IGraphDriver"/> against Moby's graph driver semantics (daemon/graphdriver/graphtest). Derive a
/// <c>[TestFixture]</c> from it and build your driver in <see cref="CreateGraphDriverAsync"/>; the kit then calls
/// <see cref="IGraphDriver.InitAsync"/> with the same root as Home. Every test gets a fresh driver over an empty root,
/// which is cleaned up (driver Cleanup, then anything still mounted below it unmounted) and removed afterwards.
/// Tests that mount, chown or make device nodes need root and are ignored otherwise.
/// </summary>
public abstract partial class GraphDriverConformance
{
    private IGraphDriver? driver;
    private ConformanceWorkspace? workspace;
    private CancellationTokenSource? timeout;

    /// <summary>A fresh driver for <paramref name="root"/>, an empty directory the kit made; the kit calls InitAsync itself.</summary>
    protected abstract Task<IGraphDriver> CreateGraphDriverAsync(string root, CancellationToken ct);

    /// <summary>Releases the driver after a test; by default disposes it when it is (async) disposable.</summary>
    protected virtual async Task DisposeGraphDriverAsync(IGraphDriver d)
    {
        switch (d)
        {
            case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }

    /// <summary>Where each test's workspace is made; null for the system temp directory. It must not be on overlayfs.</summary>
    protected virtual string? WorkspaceBaseDirectory => null;

    /// <summary>How long one test may take before its driver calls are cancelled.</summary>
    protected virtual TimeSpan TestTimeout => TimeSpan.FromMinutes(2);

    protected IGraphDriver Driver => driver ?? throw new InvalidOperationException("no graph driver outside a test");

    protected ConformanceWorkspace Workspace => workspace ?? throw new InvalidOperationException("no workspace outside a test");

    protected CancellationToken Cancellation => timeout?.Token ?? CancellationToken.None;

    [SetUp]
    public async Task SetUpGraphDriverAsync()
    {
        timeout = new CancellationTokenSource(TestTimeout);
        workspace = ConformanceWorkspace.Create(WorkspaceBaseDirectory);
        try
        {
            driver = await CreateGraphDriverAsync(workspace.Root, Cancellation).ConfigureAwait(false);
            await driver.InitAsync(new GraphDriverInitRequest(workspace.Root, [], [], []), Cancellation).ConfigureAwait(false);
        }
        catch
        {
            await TearDownGraphDriverAsync().ConfigureAwait(false);
            throw;
        }
    }

    [TearDown]
    public async Task TearDownGraphDriverAsync()
    {
        try
        {
            if (driver is not null)
            {
                try
                {
                    using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await driver.CleanupAsync(cleanup.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    await TestContext.Out.WriteLineAsync($"graph driver Cleanup failed: {ex.Message}").ConfigureAwait(false);
                }
                await DisposeGraphDriverAsync(driver).ConfigureAwait(false);
            }
        }
        finally
        {
            driver = null;
            timeout?.Dispose();
            timeout = null;
            workspace?.Dispose();
            workspace = null;
        }
    }

    // ---- helpers for the tests (and for authors adding their own) ----

    protected Task CreateAsync(string id, string? parent = null) =>
        Driver.CreateAsync(new GraphDriverCreateRequest(id, parent, null, null), Cancellation);

    protected Task CreateReadWriteAsync(string id, string? parent = null) =>
        Driver.CreateReadWriteAsync(new GraphDriverCreateRequest(id, parent, null, null), Cancellation);

    /// <summary>Creates the read-only layer <paramref name="id"/> on <paramref name="parent"/> and applies <paramref name="layer"/> to it.</summary>
    protected async Task<long> CreateLayerAsync(string id, string? parent, LayerTarBuilder layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        await CreateAsync(id, parent).ConfigureAwait(false);
        using var tar = new MemoryStream(layer.Build(), writable: false);
        return await Driver.ApplyDiffAsync(id, parent, tar, Cancellation).ConfigureAwait(false);
    }

    /// <summary>Gets the layer's directory, runs <paramref name="use"/> on it and puts it back, even when <paramref name="use"/> fails.</summary>
    protected async Task<T> WithLayerAsync<T>(string id, Func<string, T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var path = await Driver.GetAsync(id, null, Cancellation).ConfigureAwait(false);
        try
        {
            return use(path);
        }
        finally
        {
            await Driver.PutAsync(id, Cancellation).ConfigureAwait(false);
        }
    }

    protected Task<TreeSnapshot> CaptureAsync(string id) => WithLayerAsync(id, TreeSnapshot.Capture);
}
