using Berth.Kernel.Plugins;
using Berth.Kernel.Tests.Support;
using Berth.Sdk;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Tests.Plugins;

/// <summary>The activation handshake of one plugin process, against plugin ends the tests script.</summary>
public class PluginConnectionTests
{
    private static readonly TimeSpan ActivationTimeout = TimeSpan.FromSeconds(20);

    private static Task<PluginConnection> StartAsync(IPluginProcessLauncher launcher, TimeProvider time, params ProtocolId[] expected) =>
        PluginConnection.StartAsync(launcher, SupervisorHarness.Spec("1.0.0"), expected, new StubKernelHost(), ActivationTimeout, time, CancellationToken.None);

    /// <summary>A plugin end that serves <paramref name="control"/> until the kernel hangs up.</summary>
    private static Func<Stream, Task> Serving(IPluginControl control) => async stream =>
    {
        await using var rpc = RpcConnection.Create(stream);
        ContractBinding.AddControl(rpc.Rpc, control);
        rpc.Rpc.StartListening();
        await rpc.Completion.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    };

    /// <summary>A plugin end that reads nothing and answers nothing until it is killed.</summary>
    private static Task Silent(Stream stream) => stream.CopyToAsync(Stream.Null);

    [Test]
    public async Task StartAsync_PluginNeverAnswersActivation_TimesOutAndKillsIt()
    {
        var time = new TrackingTimeProvider();
        var launcher = new ScriptedPluginLauncher(Silent);

        var start = StartAsync(launcher, time, Protocols.LogDriver);
        await time.AdvanceWhenArmedAsync(ActivationTimeout, 1);

        var ex = await Wait.ThrowsAsync<BerthException>(() => start);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Timeout));
        Assert.That(ex.Message, Is.EqualTo("plugin json-log:latest 1.0.0 did not answer activation within 20s"));
        Assert.That(launcher.Process!.ExitCode, Is.EqualTo(FakePluginProcess.KilledExitCode));
    }

    [Test]
    public async Task StartAsync_ProcessExitsDuringActivation_ReportsTheExitCode()
    {
        var time = new TrackingTimeProvider();
        var launcher = new ScriptedPluginLauncher(Silent);

        var start = StartAsync(launcher, time, Protocols.LogDriver);
        await Wait.Eventually(() => launcher.Process is not null, "the launch");
        launcher.Process!.Crash(exitCode: 42);

        var ex = await Wait.ThrowsAsync<BerthException>(() => start);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.Message, Is.EqualTo("plugin json-log:latest 1.0.0 exited with code 42 during activation"));
    }

    [Test]
    public async Task StartAsync_PluginSpeaksAnotherMajor_IsRefusedNamingBoth()
    {
        var launcher = new ScriptedPluginLauncher(Serving(new ScriptedControl("logdriver/2.0")));

        var ex = await Wait.ThrowsAsync<BerthException>(() => StartAsync(launcher, new TrackingTimeProvider(), Protocols.LogDriver));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("plugin json-log:latest 1.0.0 speaks logdriver/2.0 but this berthd speaks logdriver/1"));
    }

    [Test]
    public async Task StartAsync_PluginImplementsUnknownKind_IsRefused()
    {
        var launcher = new ScriptedPluginLauncher(Serving(new ScriptedControl("logdriver/1.0", "volumedriver/1.0")));

        var ex = await Wait.ThrowsAsync<BerthException>(() => StartAsync(launcher, new TrackingTimeProvider(), Protocols.LogDriver));

        Assert.That(ex.Message, Does.Contain("implements unknown driver kind volumedriver"));
    }

    [Test]
    public async Task StartAsync_NewerMinorOfAKnownMajor_IsAccepted()
    {
        var control = new ScriptedControl("logdriver/1.7");
        var launcher = new ScriptedPluginLauncher(Serving(control));

        await using var connection = await Wait.Within(StartAsync(launcher, new TrackingTimeProvider(), Protocols.LogDriver));

        Assert.That(connection.Activation.Implements, Is.EqualTo(new[] { "logdriver/1.7" }));
        Assert.That(connection.Activation.Version, Is.EqualTo("9.9.9"));
        Assert.That(control.Request!.Protocols, Does.Contain("logdriver/1.0").And.Contain("graphdriver/1.0"));
    }

    /// <summary>A control surface answering activation with whatever protocols the test names.</summary>
    private sealed class ScriptedControl(params string[] implements) : IPluginControl
    {
        public ActivationRequest? Request { get; private set; }

        public Task<ActivationResponse> ActivateAsync(ActivationRequest request, CancellationToken cancellationToken)
        {
            Request = request;
            return Task.FromResult(new ActivationResponse("scripted", "9.9.9", "0.1.0", implements));
        }

        public Task<PluginHealth> PingAsync(CancellationToken cancellationToken) => Task.FromResult(new PluginHealth(true, null, 1));

        public Task<long> DrainAsync(Stream data, CancellationToken cancellationToken) => Task.FromResult(0L);

        public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
