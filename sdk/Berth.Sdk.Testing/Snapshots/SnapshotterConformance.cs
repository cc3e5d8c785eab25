using Berth.Sdk.Storage.Mounts;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks an <see cref="ISnapshotter"/> against containerd's snapshotter semantics (and its diff service's Apply and
/// Compare). Derive a <c>[TestFixture]</c> from it and build your driver in <see cref="CreateSnapshotterAsync"/>; every
/// test gets a fresh driver over an empty root directory, which is removed afterwards with anything mounted below it.
/// Tests that mount, chown or make device nodes need root and are ignored otherwise.
/// </summary>
public abstract partial class SnapshotterConformance
{
    private ISnapshotter? snapshotter;
    private ConformanceWorkspace? workspace;
    private CancellationTokenSource? timeout;

    /// <summary>A fresh driver whose state lives in <paramref name="root"/>, an empty directory the kit made.</summary>
    protected abstract Task<ISnapshotter> CreateSnapshotterAsync(string root, CancellationToken ct);

    /// <summary>Releases the driver after a test; by default disposes it when it is (async) disposable.</summary>
    protected virtual async Task DisposeSnapshotterAsync(ISnapshotter s)
    {
        switch (s)
        {
            case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }

    /// <summary>Where each test's workspace is made; null for the system temp directory. It must not be on overlayfs.</summary>
    protected virtual string? WorkspaceBaseDirectory => null;

    /// <summary>How long one test may take before its driver calls are cancelled.</summary>
    protected virtual TimeSpan TestTimeout => TimeSpan.FromMinutes(2);

    protected ISnapshotter Snapshotter => snapshotter ?? throw new InvalidOperationException("no snapshotter outside a test");

    protected ConformanceWorkspace Workspace => workspace ?? throw new InvalidOperationException("no workspace outside a test");

    /// <summary>Cancelled when the test overruns <see cref="TestTimeout"/>.</summary>
    protected CancellationToken Cancellation => timeout?.Token ?? CancellationToken.None;

    [SetUp]
    public async Task SetUpSnapshotterAsync()
    {
        timeout = new CancellationTokenSource(TestTimeout);
        workspace = ConformanceWorkspace.Create(WorkspaceBaseDirectory);
        try
        {
            snapshotter = await CreateSnapshotterAsync(workspace.Root, Cancellation).ConfigureAwait(false);
        }
        catch
        {
            workspace.Dispose();
            workspace = null;
            throw;
        }
    }

    [TearDown]
    public async Task TearDownSnapshotterAsync()
    {
        try
        {
            if (snapshotter is not null) await DisposeSnapshotterAsync(snapshotter).ConfigureAwait(false);
        }
        finally
        {
            snapshotter = null;
            timeout?.Dispose();
            timeout = null;
            workspace?.Dispose();
            workspace = null;
        }
    }

    // ---- helpers for the tests (and for authors adding their own) ----

    protected Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent = null, IReadOnlyDictionary<string, string>? labels = null) =>
        Snapshotter.PrepareAsync(key, parent, labels, Cancellation);

    protected Task CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels = null) =>
        Snapshotter.CommitAsync(name, key, labels, Cancellation);

    protected Task<SnapshotInfo> StatAsync(string key) => Snapshotter.StatAsync(key, Cancellation);

    /// <summary>Prepares <c>{name}-extract</c> on <paramref name="parent"/>, applies <paramref name="layer"/> and commits it as <paramref name="name"/>.</summary>
    protected async Task<LayerDigest> CommitLayerAsync(string name, string? parent, LayerTarBuilder layer, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var key = name + "-extract";
        await PrepareAsync(key, parent).ConfigureAwait(false);
        var digest = await ApplyAsync(key, layer).ConfigureAwait(false);
        await CommitAsync(name, key, labels).ConfigureAwait(false);
        return digest;
    }

    /// <summary>Writes <paramref name="layer"/> as a blob and applies it into the active snapshot <paramref name="key"/>.</summary>
    protected Task<LayerDigest> ApplyAsync(string key, LayerTarBuilder layer, LayerCompression compression = LayerCompression.None)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var blob = Workspace.NewFilePath("layer.tar");
        layer.WriteTo(blob, compression);
        return Snapshotter.ApplyLayerAsync(key, blob, Cancellation);
    }

    /// <summary>Mounts <paramref name="mounts"/> on a new mount point; dispose the result to unmount.</summary>
    protected MountedTree MountAt(IReadOnlyList<Mount> mounts) => MountHelper.Mount(mounts, Workspace.NewMountPoint());

    /// <summary>Mounts the snapshot <paramref name="key"/> (from <see cref="ISnapshotter.MountsAsync"/>), captures its tree and unmounts it.</summary>
    protected async Task<TreeSnapshot> CaptureAsync(string key)
    {
        var mounts = await Snapshotter.MountsAsync(key, Cancellation).ConfigureAwait(false);
        using var mounted = MountAt(mounts);
        return TreeSnapshot.Capture(mounted.Path);
    }

    protected static IReadOnlyDictionary<string, string> Labels(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
