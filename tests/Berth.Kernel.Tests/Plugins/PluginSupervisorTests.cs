using Berth.Kernel.Plugins;
using Berth.Kernel.Tests.Support;
using Berth.Sdk;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Tests.Plugins;

/// <summary>
/// The supervisor over the real JSON-RPC stack with in-memory plugin "processes" and a fake clock:
/// start, calls, crash and restart with backoff, call deadlines, idempotent retry, health pings, hot upgrade, stop.
/// </summary>
public class PluginSupervisorTests
{
    [Test]
    public async Task StartAsync_HealthyPlugin_IsRunningAndAnswersThroughTheProxy()
    {
        await using var h = await new SupervisorHarness().StartAsync();

        var caps = await Wait.Within(h.Proxy.CapabilitiesAsync(CancellationToken.None));
        await Wait.Within(h.Proxy.StartLoggingAsync("/run/berth/fifo/c0ffee", TestLogDriver.Info(), CancellationToken.None));

        var state = h.Supervisor.State;
        Assert.That(caps.ReadLogs, Is.False);
        Assert.That(h.Plugin(1).Started, Is.EqualTo(new[] { "/run/berth/fifo/c0ffee" }));
        Assert.That(state.Status, Is.EqualTo(PluginStatus.Running));
        Assert.That(state.Pid, Is.EqualTo(1));
        Assert.That(state.Version, Is.EqualTo("1.0.0"));
        Assert.That(state.Implements, Is.EqualTo(new[] { "logdriver/1.0" }));
        Assert.That(state.RestartCount, Is.Zero);
        Assert.That(state.StartedAt, Is.EqualTo(h.Time.GetUtcNow()));
    }

    [Test]
    public async Task StartAsync_PluginFailsToLoad_ThrowsTheLoadError()
    {
        await using var h = new SupervisorHarness((_, _) => throw new InvalidOperationException("libsystemd.so.0 is missing"));

        var ex = await Wait.ThrowsAsync<BerthException>(() => h.Supervisor.StartAsync(throwOnFailure: true, CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("failed to load").And.Contain("libsystemd.so.0 is missing"));
        Assert.That(h.Supervisor.State.Status, Is.EqualTo(PluginStatus.Stopped));
        Assert.That(h.Supervisor.State.LastError, Is.EqualTo(ex.Message));
    }

    [Test]
    public async Task StartAsync_PluginLacksDeclaredContract_IsRefusedAsInvalid()
    {
        await using var h = new SupervisorHarness(expected: [Protocols.LogDriver, Protocols.GraphDriver]);

        var ex = await Wait.ThrowsAsync<BerthException>(() => h.Supervisor.StartAsync(throwOnFailure: true, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain("declares graphdriver/1.0 in config.json but its assembly does not implement it"));
        await Wait.Eventually(() => h.Process(1).Exited.IsCompleted, "the refused process to be stopped");
    }

    [Test]
    public async Task StartAsync_FailsWithoutThrowing_RetriesAfterBackoff()
    {
        await using var h = new SupervisorHarness((pid, spec) => pid == 1 ? throw new IOException("not yet") : new TestLogDriver(spec.Version));

        await Wait.Within(h.Supervisor.StartAsync(throwOnFailure: false, CancellationToken.None));
        Assert.That(h.Supervisor.State.Status, Is.EqualTo(PluginStatus.Restarting));
        Assert.That(h.Supervisor.State.LastError, Does.Contain("not yet"));

        await h.Time.AdvanceWhenArmedAsync(RestartBackoff.Initial, 1);

        await Wait.Eventually(() => h.Supervisor.State.Status == PluginStatus.Running, "the retried start");
        Assert.That(h.Supervisor.State.Pid, Is.EqualTo(2));
        Assert.That(h.Supervisor.State.LastError, Is.Null);
        Assert.That((await Wait.Within(h.Proxy.CapabilitiesAsync(CancellationToken.None))).ReadLogs, Is.False);
    }

    [Test]
    public async Task Crash_AfterBackoff_RestartsAndPublishesCrashThenRestart()
    {
        await using var h = await new SupervisorHarness().StartAsync();
        var armed = h.Time.Armed(RestartBackoff.Initial);

        h.Process(1).Crash(exitCode: 3);

        await Wait.Eventually(() => h.Supervisor.State.Status == PluginStatus.Restarting, "the crash to be noticed");
        await Wait.Eventually(() => h.Time.Armed(RestartBackoff.Initial) > armed, "the restart delay");
        Assert.That(h.Launcher.LaunchCount, Is.EqualTo(1), "no restart before the backoff elapses");
        Assert.That(h.Supervisor.State.LastError, Is.EqualTo("plugin process 1 exited with code 3"));

        h.Time.Advance(RestartBackoff.Initial);

        await Wait.Eventually(() => h.Events.Count == 2, "crash and restart events");
        var state = h.Supervisor.State;
        Assert.That(state.Status, Is.EqualTo(PluginStatus.Running));
        Assert.That(state.RestartCount, Is.EqualTo(1));
        Assert.That(state.Pid, Is.EqualTo(2));
        var events = h.Events.ToList();
        Assert.That(events.Select(e => e.Action), Is.EqualTo(new[] { "crash", "restart" }));
        Assert.That(events[0].Attributes, Is.EquivalentTo(new Dictionary<string, string> { ["name"] = "json-log:latest", ["pid"] = "1", ["exitCode"] = "3" }));
        Assert.That(events[1].Attributes, Is.EquivalentTo(new Dictionary<string, string> { ["name"] = "json-log:latest", ["pid"] = "2", ["restartCount"] = "1" }));

        await Wait.Within(h.Proxy.CapabilitiesAsync(CancellationToken.None));
        Assert.That(h.Plugin(2).CapabilitiesCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Crash_RightAfterARestart_WaitsTwiceAsLong()
    {
        await using var h = await new SupervisorHarness().StartAsync();
        await h.CrashAndRestartAsync(1, RestartBackoff.Initial);
        var doubled = RestartBackoff.Initial * 2;

        h.Process(2).Crash();
        await Wait.Eventually(() => h.Time.Armed(doubled) == 1, "the doubled restart delay");
        h.Time.Advance(RestartBackoff.Initial);

        Assert.That(h.Launcher.LaunchCount, Is.EqualTo(2), "still waiting after the initial delay");
        h.Time.Advance(RestartBackoff.Initial);
        await Wait.Eventually(() => h.Supervisor.State is { Status: PluginStatus.Running, Pid: 3 }, "the second restart");
        Assert.That(h.Supervisor.State.RestartCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Crash_AfterAStableMinute_BackoffStartsOver()
    {
        await using var h = await new SupervisorHarness().StartAsync();
        await h.CrashAndRestartAsync(1, RestartBackoff.Initial);

        h.Time.Advance(RestartBackoff.StableAfter);

        await h.CrashAndRestartAsync(2, RestartBackoff.Initial);
        Assert.That(h.Time.Armed(RestartBackoff.Initial * 2), Is.Zero);
        Assert.That(h.Supervisor.State.RestartCount, Is.EqualTo(2));
    }

    [Test]
    public async Task InvokeAsync_PluginNeverAnswers_TimesOutAndOtherCallsStillAnswer()
    {
        var never = new TaskCompletionSource();
        await using var h = await new SupervisorHarness((_, spec) => new TestLogDriver(spec.Version) { StopLoggingGate = never }).StartAsync();
        var armed = h.Time.Armed(SupervisorHarness.CallTimeout);

        var hung = h.Proxy.StopLoggingAsync("/run/berth/fifo/c0ffee", CancellationToken.None);
        await Wait.Within(h.Plugin(1).StopLoggingEntered.Task);
        Assert.That(hung.IsCompleted, Is.False);
        await h.Time.AdvanceWhenArmedAsync(SupervisorHarness.CallTimeout, armed + 1);

        var ex = await Wait.ThrowsAsync<BerthException>(() => hung);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Timeout));
        Assert.That(ex.Message, Does.Contain("LogDriver.StopLogging").And.Contain("within 30s"));

        var caps = await Wait.Within(h.Proxy.CapabilitiesAsync(CancellationToken.None));
        Assert.That(caps, Is.Not.Null);
        Assert.That(h.Supervisor.State is { Status: PluginStatus.Running, RestartCount: 0 }, Is.True);
    }

    [Test]
    public async Task InvokeAsync_LongRunningCall_GetsTenTimesTheDeadline()
    {
        var never = new TaskCompletionSource();
        await using var h = await new SupervisorHarness((_, spec) => new TestLogDriver(spec.Version) { StopLoggingGate = never }).StartAsync();
        var longLimit = SupervisorHarness.CallTimeout * CallOptions.LongRunningFactor;
        var armed = h.Time.Armed(longLimit);

        var call = h.Supervisor.InvokeAsync<object>(new CallOptions("LogDriver.StopLogging", Idempotent: false, LongRunning: true),
            ["/run/fifo"], CancellationToken.None);
        await Wait.Within(h.Plugin(1).StopLoggingEntered.Task);
        await Wait.Eventually(() => h.Time.Armed(longLimit) > armed, "the long deadline");
        h.Time.Advance(SupervisorHarness.CallTimeout);
        Assert.That(call.IsCompleted, Is.False, "an ordinary deadline does not apply");

        h.Time.Advance(longLimit - SupervisorHarness.CallTimeout);

        var ex = await Wait.ThrowsAsync<BerthException>(() => call);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Timeout));
        Assert.That(ex.Message, Does.Contain("within 300s"));
    }

    [Test]
    public async Task InvokeAsync_CallerCancels_ThrowsCancellationNotTimeout()
    {
        var never = new TaskCompletionSource();
        await using var h = await new SupervisorHarness((_, spec) => new TestLogDriver(spec.Version) { StopLoggingGate = never }).StartAsync();
        using var cts = new CancellationTokenSource();

        var call = h.Proxy.StopLoggingAsync("/run/fifo", cts.Token);
        await Wait.Within(h.Plugin(1).StopLoggingEntered.Task);
        await cts.CancelAsync();

        var ex = await Wait.ThrowsAsync<OperationCanceledException>(() => call);
        Assert.That(ex, Is.Not.InstanceOf<BerthException>());
        Assert.That(h.Supervisor.State.Status, Is.EqualTo(PluginStatus.Running));
    }

    [Test]
    public async Task InvokeAsync_IdempotentCallInFlightDuringCrash_IsRetriedOnTheRestartedPlugin()
    {
        var never = new TaskCompletionSource();
        await using var h = await new SupervisorHarness((pid, spec) => new TestLogDriver(spec.Version) { CapabilitiesGate = pid == 1 ? never : null }).StartAsync();
        var call = h.Proxy.CapabilitiesAsync(CancellationToken.None);
        await Wait.Within(h.Plugin(1).CapabilitiesEntered.Task);

        await h.CrashAndRestartAsync(1, RestartBackoff.Initial);

        var caps = await Wait.Within(call);
        Assert.That(caps, Is.Not.Null);
        Assert.That(h.Plugin(2).CapabilitiesCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task InvokeAsync_NonIdempotentCallInFlightDuringCrash_FailsUnavailableWithoutRetry()
    {
        var never = new TaskCompletionSource();
        await using var h = await new SupervisorHarness((pid, spec) => new TestLogDriver(spec.Version) { StopLoggingGate = pid == 1 ? never : null }).StartAsync();
        var call = h.Proxy.StopLoggingAsync("/run/fifo", CancellationToken.None);
        await Wait.Within(h.Plugin(1).StopLoggingEntered.Task);

        h.Process(1).Crash();

        var ex = await Wait.ThrowsAsync<BerthException>(() => call);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(ex.Message, Does.Contain("LogDriver.StopLogging"));
        await h.Time.AdvanceWhenArmedAsync(RestartBackoff.Initial, 1);
        await Wait.Eventually(() => h.Supervisor.State is { Status: PluginStatus.Running, Pid: 2 }, "the restart");
        Assert.That(h.Plugin(2).StopLoggingCalls, Is.Zero);
    }

    [Test]
    public async Task InvokeAsync_WhileRestarting_WaitsForTheNewProcess()
    {
        await using var h = await new SupervisorHarness().StartAsync();
        var armed = h.Time.Armed(RestartBackoff.Initial);
        h.Process(1).Crash();
        await Wait.Eventually(() => h.Time.Armed(RestartBackoff.Initial) > armed, "the restart delay");

        var call = h.Proxy.CapabilitiesAsync(CancellationToken.None);
        Assert.That(call.IsCompleted, Is.False);
        h.Time.Advance(RestartBackoff.Initial);

        await Wait.Within(call);
        Assert.That(h.Plugin(2).CapabilitiesCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task HealthLoop_ThreeMissedPings_KillsTheProcessAndRestartsIt()
    {
        await using var h = await new SupervisorHarness(healthInterval: TimeSpan.FromSeconds(7)).StartAsync();
        h.Process(1).Hang();

        for (var ping = 1; ping <= 3; ping++)
        {
            Assert.That(h.Process(1).Exited.IsCompleted, Is.False, $"alive before ping {ping} fails");
            await h.Time.AdvanceWhenArmedAsync(h.HealthInterval, ping);
            await h.Time.AdvanceWhenArmedAsync(SupervisorHarness.PingTimeout, ping);
        }

        await Wait.Eventually(() => h.EventActions.Contains("crash"), "the kill to be noticed");
        Assert.That(h.Process(1).ExitCode, Is.EqualTo(FakePluginProcess.KilledExitCode));
        Assert.That(h.Events.First().Attributes["exitCode"], Is.EqualTo("137"));
        await h.Time.AdvanceWhenArmedAsync(RestartBackoff.Initial, 1);
        await Wait.Eventually(() => h.Supervisor.State is { Status: PluginStatus.Running, Pid: 2 }, "the restart");
    }

    [Test]
    public async Task HealthLoop_PluginAnswersPings_LeavesItRunning()
    {
        await using var h = await new SupervisorHarness(healthInterval: TimeSpan.FromSeconds(7)).StartAsync();

        for (var ping = 1; ping <= 4; ping++)
            await h.Time.AdvanceWhenArmedAsync(h.HealthInterval, ping);
        await Wait.Eventually(() => h.Time.Armed(h.HealthInterval) == 5, "the fifth ping to be scheduled");

        Assert.That(h.Process(1).Exited.IsCompleted, Is.False);
        Assert.That(h.Supervisor.State is { Status: PluginStatus.Running, Pid: 1 }, Is.True);
        Assert.That(h.Events, Is.Empty);
    }

    [Test]
    public async Task UpgradeAsync_NewVersion_RoutesCallsToItAndStopsTheOld()
    {
        await using var h = await new SupervisorHarness().StartAsync();

        await Wait.Within(h.Supervisor.UpgradeAsync(SupervisorHarness.Spec("2.0.0"), [Protocols.LogDriver], CancellationToken.None));

        var state = h.Supervisor.State;
        Assert.That(state.Version, Is.EqualTo("2.0.0"));
        Assert.That(state.Pid, Is.EqualTo(2));
        var caps = await Wait.Within(h.Proxy.CapabilitiesAsync(CancellationToken.None));
        Assert.That(caps.ReadLogs, Is.True, "answered by 2.0.0");
        Assert.That(h.Plugin(2).CapabilitiesCalls, Is.EqualTo(1));
        Assert.That(h.Plugin(1).CapabilitiesCalls, Is.Zero);
        await Wait.Eventually(() => h.Plugin(1).Disposed && h.Process(1).Exited.IsCompleted, "the old version to stop");
        Assert.That(h.Process(1).ExitCode, Is.Zero, "the old version shut down cleanly");
        Assert.That(h.Events, Is.Empty, "an upgrade is not a crash");
        Assert.That(h.Supervisor.State.RestartCount, Is.Zero);
    }

    [Test]
    public async Task UpgradeAsync_CallInFlightOnOldVersion_DrainsBeforeStoppingIt()
    {
        var release = new TaskCompletionSource();
        await using var h = await new SupervisorHarness((pid, spec) => new TestLogDriver(spec.Version) { StopLoggingGate = pid == 1 ? release : null }).StartAsync();
        var inFlight = h.Proxy.StopLoggingAsync("/run/fifo", CancellationToken.None);
        await Wait.Within(h.Plugin(1).StopLoggingEntered.Task);
        var drainPoll = TimeSpan.FromMilliseconds(50);

        await Wait.Within(h.Supervisor.UpgradeAsync(SupervisorHarness.Spec("2.0.0"), [Protocols.LogDriver], CancellationToken.None));
        await Wait.Within(h.Proxy.StopLoggingAsync("/run/fifo2", CancellationToken.None));
        await h.Time.AdvanceWhenArmedAsync(drainPoll, 1);
        await Wait.Eventually(() => h.Time.Armed(drainPoll) == 2, "the second drain poll");
        Assert.That(h.Process(1).Exited.IsCompleted, Is.False, "the old version still has a call in flight");
        Assert.That(h.Plugin(2).StopLoggingCalls, Is.EqualTo(1));

        release.SetResult();
        await Wait.Within(inFlight);
        h.Time.Advance(drainPoll);

        await Wait.Eventually(() => h.Process(1).Exited.IsCompleted, "the drained old version to stop");
        Assert.That(h.Process(1).ExitCode, Is.Zero);
    }

    [Test]
    public async Task UpgradeAsync_NewVersionFailsToLoad_OldVersionKeepsServing()
    {
        await using var h = await new SupervisorHarness((pid, spec) => spec.Version == "2.0.0" ? throw new InvalidOperationException("broken build") : new TestLogDriver(spec.Version)).StartAsync();

        var ex = await Wait.ThrowsAsync<BerthException>(() => h.Supervisor.UpgradeAsync(SupervisorHarness.Spec("2.0.0"), [Protocols.LogDriver], CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("broken build"));
        Assert.That(h.Supervisor.State is { Version: "1.0.0", Pid: 1, Status: PluginStatus.Running }, Is.True);
        await Wait.Within(h.Proxy.CapabilitiesAsync(CancellationToken.None));
        Assert.That(h.Plugin(1).CapabilitiesCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task StopAsync_RunningPlugin_StopsItAndLaterCallsFailUnavailable()
    {
        await using var h = await new SupervisorHarness().StartAsync();

        await Wait.Within(h.Supervisor.StopAsync());

        Assert.That(h.Supervisor.State.Status, Is.EqualTo(PluginStatus.Stopped));
        Assert.That(h.Process(1).Exited.IsCompleted, Is.True);
        Assert.That(h.Plugin(1).Disposed, Is.True);
        var ex = await Wait.ThrowsAsync<BerthException>(() => h.Proxy.CapabilitiesAsync(CancellationToken.None));
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(ex.Message, Does.Contain("json-log:latest is not enabled"));
        Assert.That(h.Events, Is.Empty, "a stop is not a crash");
        Assert.That(h.Launcher.LaunchCount, Is.EqualTo(1));
    }
}
