using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Sdk;
using Berth.Sdk.Network;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// libnetwork's <c>bridge</c> driver: a Linux bridge per network with its gateway address, iptables rules for
/// masquerading, forwarding and isolation, and a veth pair per endpoint whose container end the daemon moves into
/// the sandbox. Networks and endpoints are kept in <c>bridge.json</c> under the plugin's root; one lock serializes
/// the calls. The kernel is reached through seams (a netlink factory, an iptables runner, sysctl) so tests run the
/// driver inside a network namespace of their own.
/// </summary>
internal sealed partial class BridgeDriver : INetworkDriver, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Func<RtNetlink> openNetlink;
    private readonly Firewall firewall;
    private readonly IpForwarding forwarding;
    private readonly ISysctl sysctl;
    private readonly PortReservations ports;
    private readonly BridgeStateFile? file;
    private readonly BridgeState state;
    private readonly string? loadFailure;
    private readonly TextWriter log;

    /// <param name="stateDirectory">Where <c>bridge.json</c> lives (the plugin's root); the state there is loaded now. Null keeps the state in memory only.</param>
    /// <param name="openNetlink">Opens an rtnetlink socket in the namespace whose links the driver manages; each call disposes its socket.</param>
    /// <param name="iptables">Runs iptables in that namespace.</param>
    /// <param name="sysctl">Reads and writes that namespace's kernel parameters.</param>
    /// <param name="log">Where an unreadable state file and failures of best-effort cleanups are reported.</param>
    /// <param name="portSockets">Opens the sockets that hold published host ports in that namespace; the calling thread's when null.</param>
    public BridgeDriver(string? stateDirectory, Func<RtNetlink> openNetlink, IIptables iptables, ISysctl sysctl, TextWriter? log = null, IPortSockets? portSockets = null)
    {
        ArgumentNullException.ThrowIfNull(openNetlink);
        ArgumentNullException.ThrowIfNull(iptables);
        ArgumentNullException.ThrowIfNull(sysctl);
        this.openNetlink = openNetlink;
        firewall = new Firewall(iptables, log);
        forwarding = new IpForwarding(sysctl, firewall);
        this.sysctl = sysctl;
        this.log = log ?? TextWriter.Null;
        ports = new PortReservations(portSockets ?? new HostPortSockets(), this.log);
        dns = new Dns.EmbeddedDns(this.log);
        if (stateDirectory is null)
        {
            state = new BridgeState();
            return;
        }
        file = new BridgeStateFile(stateDirectory);
        try
        {
            state = file.Load();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // The plugin keeps serving IPAM; every network call reports the damage instead.
            state = new BridgeState();
            loadFailure = $"bridge: the driver's state cannot be read: {ex.Message}";
            this.log.WriteLine(loadFailure);
        }
        HoldPublishedPorts();
        dnsRestored = RestoreDnsAsync();
    }

    /// <summary>The driver of the host: its rtnetlink, its <c>iptables</c>, its <c>/proc/sys</c>.</summary>
    public static BridgeDriver ForHost(string? stateDirectory, TextWriter log) =>
        new(stateDirectory, () => new RtNetlink(), IptablesCommand.Host(), new ProcSysctl(), log);

    public Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NetworkCapabilities(Scope: "local", ConnectivityScope: "local"));

    private async Task<T> LockedAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        if (loadFailure is not null) throw new BerthException(BerthErrorKind.System, loadFailure);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private Task LockedAsync(Func<Task> action, CancellationToken cancellationToken) =>
        LockedAsync(async () =>
        {
            await action().ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <summary>Runs <paramref name="action"/> with a fresh netlink socket; kernel refusals become BerthExceptions.</summary>
    private T WithNetlink<T>(Func<RtNetlink, T> action)
    {
        try
        {
            using var netlink = openNetlink();
            return action(netlink);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            throw new BerthException(BerthErrorKind.System, $"bridge: {ex.Message}", ex);
        }
    }

    private void WithNetlink(Action<RtNetlink> action) => WithNetlink(netlink =>
    {
        action(netlink);
        return 0;
    });

    /// <summary>Writes the state; when that fails, <paramref name="undo"/> puts the memory back as it is on disk.</summary>
    private void Save(Action undo)
    {
        if (file is null) return;
        try
        {
            file.Save(state);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            undo();
            throw new BerthException(BerthErrorKind.System, $"bridge: could not save {file.Path}: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a cleanup step after a failure; its own failure is logged, not thrown over the first one.</summary>
    private async Task TryAsync(string what, Func<Task> cleanup)
    {
        try
        {
            await cleanup().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BerthException or IOException or TimeoutException)
        {
            await log.WriteLineAsync($"bridge: {what} failed: {ex.Message}").ConfigureAwait(false);
        }
    }

    private void Try(string what, Action cleanup)
    {
        try
        {
            cleanup();
        }
        catch (Exception ex) when (ex is BerthException or IOException or TimeoutException)
        {
            log.WriteLine($"bridge: {what} failed: {ex.Message}");
        }
    }

    private static string Short(string id) => id[..Math.Min(12, id.Length)];
}
