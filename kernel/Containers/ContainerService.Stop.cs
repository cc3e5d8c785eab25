using System.Globalization;
using Berth.Kernel.Runtime;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>Sends the stop signal, waits the grace period, then kills. Returns false when it was not running (304).</summary>
    public async Task<bool> StopAsync(string idOrName, int? timeoutSeconds, string? signal, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        if (container.State.Restarting)
        {
            container.HasBeenManuallyStopped = true;
            await CancelRestartAsync(container).ConfigureAwait(false);
            events.Publish(container, "stop");
            return true;
        }
        if (!container.State.Running) return false;
        container.HasBeenManuallyStopped = true;
        var exited = waiters.NextExitAsync(container.Id);
        var stopSignal = Signals.Parse(signal ?? container.Config["StopSignal"]?.GetValue<string>(), Signals.Term);
        var grace = timeoutSeconds ?? container.Config["StopTimeout"]?.GetValue<int>() ?? 10;
        if (container.State.Paused) await ResumeForSignalAsync(container, cancellationToken).ConfigureAwait(false);
        await SignalAsync(container, stopSignal, cancellationToken).ConfigureAwait(false);
        if (grace < 0) await exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        else await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(grace), time, cancellationToken)).ConfigureAwait(false);
        if (!exited.IsCompleted)
        {
            await SignalAsync(container, Signals.Kill, cancellationToken).ConfigureAwait(false);
            await exited.WaitAsync(TimeSpan.FromSeconds(30), time, cancellationToken).ConfigureAwait(false);
        }
        events.Publish(container, "stop");
        return true;
    }

    public async Task KillAsync(string idOrName, string? signal, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        if (!container.State.Running)
            throw BerthException.Conflict($"Cannot kill container: {idOrName}: Container {container.Id} is not running");
        var number = Signals.Parse(signal, Signals.Kill);
        if (number == Signals.Kill) container.HasBeenManuallyStopped = true;
        var exited = waiters.NextExitAsync(container.Id);
        await SignalAsync(container, number, cancellationToken).ConfigureAwait(false);
        if (number == Signals.Kill) await exited.WaitAsync(TimeSpan.FromSeconds(30), time, cancellationToken).ConfigureAwait(false);
    }

    public async Task RestartAsync(string idOrName, int? timeoutSeconds, string? signal, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        await StopAsync(container.Id, timeoutSeconds, signal, cancellationToken).ConfigureAwait(false);
        await StartAsync(container.Id, cancellationToken).ConfigureAwait(false);
        events.Publish(container, "restart");
    }

    public async Task PauseAsync(string idOrName, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!container.State.Running) throw BerthException.Conflict($"Container {container.Id} is not running");
            if (container.State.Paused) throw BerthException.Conflict($"Container {container.Id} is already paused");
            await runtime.Cli.PauseAsync(RuntimeOf(container), container.Id, cancellationToken).ConfigureAwait(false);
            container.State = container.State with { Paused = true, Status = "paused" };
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            container.Gate.Release();
        }
        events.Publish(container, "pause");
    }

    public async Task UnpauseAsync(string idOrName, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!container.State.Paused) throw BerthException.Conflict($"Container {container.Id} is not paused");
            await runtime.Cli.ResumeAsync(RuntimeOf(container), container.Id, cancellationToken).ConfigureAwait(false);
            container.State = container.State with { Paused = false, Status = "running" };
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            container.Gate.Release();
        }
        events.Publish(container, "unpause");
    }

    private async Task ResumeForSignalAsync(Container container, CancellationToken cancellationToken)
    {
        await runtime.Cli.ResumeAsync(RuntimeOf(container), container.Id, cancellationToken).ConfigureAwait(false);
        container.State = container.State with { Paused = false, Status = "running" };
    }

    private async Task SignalAsync(Container container, int signal, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.Cli.KillAsync(RuntimeOf(container), container.Id, signal, all: signal == Signals.Kill, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException) when (!container.State.Running)
        {
            return; // it exited meanwhile
        }
        events.Publish(container, "kill", new Dictionary<string, string> { ["signal"] = signal.ToString(CultureInfo.InvariantCulture) });
    }

    private OciRuntime RuntimeOf(Container container) => OciRuntime.Resolve(daemonConfig.Current, container.RuntimeName);
}
