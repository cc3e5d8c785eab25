using Berth.Sdk;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;
using StreamJsonRpc;

namespace Berth.Kernel.Plugins;

/// <summary>
/// One activated plugin process: its transport, the JSON-RPC connection, the handshake answer,
/// and a count of calls in flight (so an upgrade can drain it).
/// </summary>
public sealed class PluginConnection : IAsyncDisposable
{
    private int inFlight;

    private PluginConnection(IPluginProcess process, RpcConnection rpc, IPluginControl control, PluginLaunchSpec spec)
    {
        Process = process;
        Rpc = rpc;
        Control = control;
        Spec = spec;
    }

    public IPluginProcess Process { get; }
    public RpcConnection Rpc { get; }
    public IPluginControl Control { get; }
    public PluginLaunchSpec Spec { get; }
    public ActivationResponse Activation { get; private set; } = null!;
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Completes once the supervisor has taken this connection out of service after it ended (a retry then waits for its successor).</summary>
    public TaskCompletionSource Retired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the process exits or the connection drops, whichever comes first.</summary>
    public Task Ended => Task.WhenAny(Process.Exited, Rpc.Completion.ContinueWith(_ => { }, TaskScheduler.Default));

    /// <summary>Launches the process, serves <paramref name="kernel"/> to it, and runs the handshake.</summary>
    /// <exception cref="BerthException">The plugin did not start, did not answer, failed to load, or speaks a protocol the kernel does not.</exception>
    public static async Task<PluginConnection> StartAsync(
        IPluginProcessLauncher launcher,
        PluginLaunchSpec spec,
        IReadOnlyList<ProtocolId> expected,
        IKernelHost kernel,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(expected);
        var process = await launcher.LaunchAsync(spec, cancellationToken).ConfigureAwait(false);
        PluginConnection connection;
        try
        {
            var rpc = RpcConnection.Create(process.Transport);
            ContractBinding.AddTarget(rpc.Rpc, typeof(IKernelHost), KernelWire.KernelHostPrefix, kernel);
            var control = ContractBinding.Attach<IPluginControl>(rpc.Rpc, WireNames.ControlPrefix);
            rpc.Rpc.StartListening();
            connection = new PluginConnection(process, rpc, control, spec);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        try
        {
            var request = new ActivationRequest(KernelInfo.Version, Protocols.All.Select(c => c.Protocol.ToString()).ToList());
            using var deadline = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            var activation = connection.Control.ActivateAsync(request, linked.Token);
            var finished = await Task.WhenAny(activation, process.Exited, Task.Delay(Timeout.InfiniteTimeSpan, linked.Token)).ConfigureAwait(false);
            if (finished != activation) _ = activation.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed, not awaited
            if (finished == process.Exited)
                throw new BerthException(BerthErrorKind.System, $"plugin {spec.Name} {spec.Version} exited with code {await process.Exited.ConfigureAwait(false)} during activation{Tail(process)}");
            if (finished != activation)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new BerthException(BerthErrorKind.Timeout, $"plugin {spec.Name} {spec.Version} did not answer activation within {timeout.TotalSeconds:0.#}s{Tail(process)}");
            }
            ActivationResponse answer;
            try
            {
                answer = await activation.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RemoteInvocationException or ConnectionLostException)
            {
                throw RpcErrors.Translate(ex, $"plugin {spec.Name}", "activation");
            }
            CheckProtocols(spec, expected, answer);
            connection.Activation = answer;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void CheckProtocols(PluginLaunchSpec spec, IReadOnlyList<ProtocolId> expected, ActivationResponse answer)
    {
        var served = answer.Implements.Select(t => ProtocolId.TryParse(t, out var id) ? id : null).OfType<ProtocolId>().ToList();
        foreach (var id in served)
        {
            var ours = Protocols.ForKind(id.Kind)
                ?? throw BerthException.Invalid($"plugin {spec.Name} {spec.Version} implements unknown driver kind {id.Kind}");
            if (ours.Protocol.Major != id.Major)
                throw BerthException.Invalid($"plugin {spec.Name} {spec.Version} speaks {id} but this berthd speaks {ours.Protocol.Kind}/{ours.Protocol.Major}");
        }
        var missing = expected.Where(e => !served.Any(s => s.Kind == e.Kind)).ToList();
        if (missing.Count > 0)
            throw BerthException.Invalid($"plugin {spec.Name} {spec.Version} declares {string.Join(", ", missing)} in config.json but its assembly does not implement it");
    }

    private static string Tail(IPluginProcess process)
    {
        var log = process.RecentLog.Trim();
        return log.Length == 0 ? "" : $": {log.Split('\n')[^1]}";
    }

    public void Enter() => Interlocked.Increment(ref inFlight);

    public void Exit() => Interlocked.Decrement(ref inFlight);

    /// <summary>Asks the plugin to shut down, waits for it to exit, and kills it if it does not.</summary>
    public async Task StopAsync(TimeSpan grace, TimeProvider time)
    {
        try
        {
            using var deadline = new CancellationTokenSource(grace, time);
            await Control.ShutdownAsync(deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
            await Process.Exited.WaitAsync(grace, time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or RemoteInvocationException or ConnectionLostException or ObjectDisposedException)
        {
            // A plugin that does not stop in time is killed below.
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Process.Kill();
        try
        {
            await Rpc.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
