using System.Security.Cryptography;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Logging;
using Berth.Sdk.Tests.Support;
using StreamJsonRpc;

namespace Berth.Sdk.Tests.Wire;

/// <summary>Driver calls across an in-memory plugin pipe: DTOs, bulk streams, cancellation and errors.</summary>
public class RpcConnectionTests
{
    private static readonly LogInfo Info = new(
        new Dictionary<string, string> { ["max-size"] = "10m" }, "c0ffee", "/web", "/bin/sh", ["-c", "true"], "sha256:abc", "alpine",
        DateTimeOffset.UnixEpoch, ["A=1"], new Dictionary<string, string>(), "/var/lib/berth/containers/c0ffee/c0ffee-json.log", "berthd");

    private TestDriver driver = null!;
    private PluginPipe pipe = null!;

    [SetUp]
    public async Task SetUp()
    {
        driver = new TestDriver();
        pipe = PluginPipe.Start(_ => driver);
        await Wait.Within(pipe.ActivateAsync());
    }

    [TearDown]
    public async Task TearDown() => await pipe.DisposeAsync();

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3 * 1024 * 1024 + 17)]
    public async Task ApplyDiffAsync_StreamArgument_CrossesSideChannelIntact(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        using var diff = new MemoryStream(data);

        var applied = await Wait.Within(pipe.GraphDriver.ApplyDiffAsync("layer1", null, diff, CancellationToken.None));

        Assert.That(applied, Is.EqualTo(size));
        Assert.That(driver.AppliedDiffSha256, Is.EqualTo(Convert.ToHexString(SHA256.HashData(data))));
    }

    [Test]
    public async Task ReadLogsAsync_StreamResult_ArrivesIntact()
    {
        driver.LogBytes = new byte[200_000];
        new Random(7).NextBytes(driver.LogBytes);

        await using var logs = await Wait.Within(pipe.LogDriver.ReadLogsAsync(Info, new ReadConfig(null, null, -1, false), CancellationToken.None));
        using var copy = new MemoryStream();
        await Wait.Within(logs.CopyToAsync(copy));

        Assert.That(copy.ToArray(), Is.EqualTo(driver.LogBytes));
    }

    [Test]
    public async Task InvokeAsync_RecordsListsAndEnums_RoundTrip()
    {
        var status = await Wait.Within(pipe.GraphDriver.StatusAsync(CancellationToken.None));
        var metadata = await Wait.Within(pipe.GraphDriver.GetMetadataAsync("l1", CancellationToken.None));
        var changes = await Wait.Within(pipe.GraphDriver.ChangesAsync("l1", null, CancellationToken.None));
        var logCaps = await Wait.Within(pipe.LogDriver.CapabilitiesAsync(CancellationToken.None));

        Assert.That(status, Has.Count.EqualTo(1));
        Assert.That(status[0], Is.EqualTo(new[] { "Backing Filesystem", "extfs" }));
        Assert.That(metadata["MergedDir"], Is.EqualTo("/layers/l1/merged"));
        Assert.That(changes, Is.EqualTo(new[] { new FileChange("/etc/hosts", ChangeKind.Modify) }));
        Assert.That(logCaps.ReadLogs, Is.True);
    }

    [Test]
    public async Task InvokeAsync_ClientCancels_ServerMethodTokenIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var call = pipe.LogDriver.StopLoggingAsync("/run/fifo", cts.Token);
        var serverToken = await Wait.Within(driver.StopLoggingEntered.Task);
        Assert.That(serverToken.IsCancellationRequested, Is.False);

        await cts.CancelAsync();

        await Wait.Within(driver.StopLoggingCancelled.Task);
        Assert.That(serverToken.IsCancellationRequested, Is.True);
        await Wait.ThrowsAsync<OperationCanceledException>(() => call);
    }

    [Test]
    public async Task InvokeAsync_DriverThrowsNotFound_ArrivesAsNotFound()
    {
        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(() => pipe.GraphDriver.GetAsync("missing", null, CancellationToken.None));

        Assert.That(remote.ErrorCode, Is.EqualTo(BerthErrorKind.NotFound.ToRpcCode()));
        var translated = RpcErrors.Translate(remote, "plugin test", "GraphDriver.Get");
        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(translated.Message, Is.EqualTo("layer missing does not exist"));
        Assert.That(translated.InnerException, Is.SameAs(remote));
    }

    private static IEnumerable<BerthErrorKind> AllKinds() => Enum.GetValues<BerthErrorKind>();

    [TestCaseSource(nameof(AllKinds))]
    public async Task InvokeAsync_DriverThrowsBerthExceptionOfAnyKind_ClientTranslatesToSameKind(BerthErrorKind kind)
    {
        var remote = await Wait.ThrowsAsync<Exception>(() => pipe.GraphDriver.PutAsync(kind.ToString(), CancellationToken.None));

        var translated = RpcErrors.Translate(remote, "plugin test", "GraphDriver.Put");
        Assert.That(translated.Kind, Is.EqualTo(kind), $"{remote.GetType().Name}: {remote.Message}");
        Assert.That(translated.Message, Is.EqualTo($"{kind} from the driver"));
    }

    [Test]
    public async Task InvokeAsync_DriverThrowsArgumentException_ArrivesAsInvalidParameter()
    {
        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(() => pipe.GraphDriver.ExistsAsync("", CancellationToken.None));

        var translated = RpcErrors.Translate(remote, "plugin test", "GraphDriver.Exists");
        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(translated.Message, Does.Contain("id must not be empty"));
    }

    [Test]
    public async Task InvokeAsync_DriverThrowsNotImplementedException_ArrivesAsNotImplemented()
    {
        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(() => pipe.GraphDriver.DiffAsync("l1", null, CancellationToken.None));

        var translated = RpcErrors.Translate(remote, "plugin test", "GraphDriver.Diff");
        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
        Assert.That(translated.Message, Does.Contain("diff is not supported"));
    }

    [Test]
    public async Task InvokeAsync_DriverThrowsOtherException_ArrivesAsSystemErrorNamingPeerAndMethod()
    {
        driver.StartLoggingError = new InvalidOperationException("fifo vanished");

        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(() => pipe.LogDriver.StartLoggingAsync("/run/fifo", Info, CancellationToken.None));

        var translated = RpcErrors.Translate(remote, "plugin json-log", "LogDriver.StartLogging");
        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(translated.Message, Does.Contain("plugin json-log").And.Contain("LogDriver.StartLogging").And.Contain("fifo vanished"));
    }

    [Test]
    public async Task InvokeAsync_ServerEndDrops_TranslatesToUnavailable()
    {
        using var cts = new CancellationTokenSource();
        var call = pipe.LogDriver.StopLoggingAsync("/run/fifo", cts.Token);
        await Wait.Within(driver.StopLoggingEntered.Task);

        await pipe.Client.Multiplexer.DisposeAsync();

        var lost = await Wait.ThrowsAsync<Exception>(() => call);
        Assert.That(lost, Is.InstanceOf<ConnectionLostException>().Or.InstanceOf<ObjectDisposedException>());
        Assert.That(RpcErrors.Translate(lost, "plugin test", "LogDriver.StopLogging").Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        await Wait.Within(pipe.Client.Completion.ContinueWith(_ => { }, TaskScheduler.Default));
    }
}
