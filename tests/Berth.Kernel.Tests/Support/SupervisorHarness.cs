using System.Collections.Concurrent;
using Berth.Kernel.Plugins;
using Berth.Sdk.Logging;
using Berth.Sdk.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Kernel.Tests.Support;

/// <summary>A <see cref="PluginSupervisor"/> over the in-memory launcher, a fake clock and a recorded event callback.</summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ActivationTimeout = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    public SupervisorHarness(Func<int, PluginLaunchSpec, object>? factory = null, TimeSpan? healthInterval = null, IReadOnlyList<ProtocolId>? expected = null)
    {
        HealthInterval = healthInterval ?? TimeSpan.FromHours(1);
        Launcher = new InMemoryPluginLauncher(factory ?? ((_, spec) => new TestLogDriver(spec.Version)));
        var timeouts = new PluginTimeouts(CallTimeout, ActivationTimeout, HealthInterval, PingTimeout);
        Supervisor = new PluginSupervisor(Spec("1.0.0"), expected ?? [Protocols.LogDriver], Launcher, new StubKernelHost(), () => timeouts, Time,
            NullLogger.Instance, (action, attributes) => Events.Enqueue((action, attributes)));
        Proxy = PluginContractProxy<ILogDriver>.Create(() => Supervisor);
    }

    public TrackingTimeProvider Time { get; } = new();

    public TimeSpan HealthInterval { get; }

    public InMemoryPluginLauncher Launcher { get; }

    public PluginSupervisor Supervisor { get; }

    public ILogDriver Proxy { get; }

    public ConcurrentQueue<(string Action, IReadOnlyDictionary<string, string> Attributes)> Events { get; } = new();

    public IReadOnlyList<string> EventActions => Events.Select(e => e.Action).ToList();

    public FakePluginProcess Process(int pid) => Launcher.Processes[pid - 1];

    public TestLogDriver Plugin(int pid) => (TestLogDriver)Process(pid).Plugin!;

    public static PluginLaunchSpec Spec(string version) =>
        new("json-log:latest", version, $"/var/lib/berth/plugins/x/versions/{version}", "/var/lib/berth/plugins/x/state", new Dictionary<string, string>());

    public async Task<SupervisorHarness> StartAsync()
    {
        await Wait.Within(Supervisor.StartAsync(throwOnFailure: true, CancellationToken.None)).ConfigureAwait(false);
        return this;
    }

    /// <summary>Crashes the current process and lets the backoff elapse; returns when the replacement is serving.</summary>
    public async Task CrashAndRestartAsync(int pid, TimeSpan expectedDelay)
    {
        var armed = Time.Armed(expectedDelay);
        Process(pid).Crash();
        await Time.AdvanceWhenArmedAsync(expectedDelay, armed + 1).ConfigureAwait(false);
        await Wait.Eventually(() => Supervisor.State.Status == PluginStatus.Running && Supervisor.State.Pid == Launcher.LaunchCount && Launcher.LaunchCount > pid,
            "the restarted plugin").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await Wait.Within(Supervisor.DisposeAsync().AsTask()).ConfigureAwait(false);
}
