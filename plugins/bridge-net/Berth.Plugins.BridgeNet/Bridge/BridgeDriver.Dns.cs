using Berth.Plugins.BridgeNet.Dns;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// The embedded DNS (127.0.0.11) of the driver's sandboxes, <see cref="EmbeddedDns"/>: Join registers the endpoint's
/// names when the daemon asks for them (<see cref="EndpointOptions.DnsNames"/>, user-defined networks only) and keeps
/// the registration with the endpoint in <c>bridge.json</c>; Leave, DeleteEndpoint and DeleteNetwork forget it. A new
/// driver over the same state serves again every sandbox whose namespace is still there.
/// </summary>
internal sealed partial class BridgeDriver
{
    private readonly EmbeddedDns dns;
    private readonly Task dnsRestored = Task.CompletedTask;

    /// <summary>The embedded DNS, for tests.</summary>
    internal EmbeddedDns Dns => dns;

    /// <summary>Completes once the registrations found in the state at start are served again (it never fails).</summary>
    internal Task DnsRestored => dnsRestored;

    /// <summary>
    /// <see cref="Dispose"/>, and closes the DNS listeners, waiting for their queries in flight: what the plugin's exit
    /// does. (Not <c>DisposeAsync</c>, so that callers of <see cref="Dispose"/> are not told to await it instead.)
    /// </summary>
    public async ValueTask ShutdownAsync()
    {
        Dispose();
        await dnsRestored.ConfigureAwait(false);
        await dns.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Serves again the registrations kept in the state (a plugin restart); the sandboxes that are gone are skipped.</summary>
    private async Task RestoreDnsAsync()
    {
        // The endpoint's own ids win over the copies in the registration, should a hand-edited file disagree.
        var registrations = state.Endpoints.Values
            .Where(e => e.Dns is not null)
            .Select(e => e.Dns! with { EndpointId = e.Id, NetworkId = e.NetworkId, SandboxKey = e.Dns.SandboxKey ?? "" })
            .ToList();
        foreach (var registration in registrations)
        {
            try
            {
                if (registration.SandboxKey.Length > 0 && File.Exists(registration.SandboxKey)) await dns.RegisterAsync(registration, CancellationToken.None).ConfigureAwait(false);
                else await log.WriteLineAsync($"bridge: dns: endpoint {Short(registration.EndpointId)}: sandbox {registration.SandboxKey} is gone, not served").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ArgumentException)
            {
                await log.WriteLineAsync($"bridge: dns: endpoint {Short(registration.EndpointId)}: {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    /// <summary>Join's part (under the lock): registers what the options ask for, or forgets an earlier registration when they ask for nothing.</summary>
    private async Task<JoinResponse> JoinDnsAsync(BridgeEndpoint endpoint, JoinRequest request, JoinResponse response, CancellationToken cancellationToken)
    {
        await dnsRestored.ConfigureAwait(false);
        var registration = DnsJoinOptions.Parse(request, endpoint.Address, endpoint.AddressIPv6);
        if (registration is null)
        {
            await ForgetDnsAsync(endpoint.Id).ConfigureAwait(false);
            return response;
        }
        await dns.RegisterAsync(registration, cancellationToken).ConfigureAwait(false);
        if (registration.Equals(endpoint.Dns)) return response;
        state.Endpoints[endpoint.Id] = endpoint with { Dns = registration };
        try
        {
            Save(undo: () => state.Endpoints[endpoint.Id] = endpoint);
        }
        catch
        {
            await TryAsync($"unregistering endpoint {Short(endpoint.Id)} from the embedded DNS", async () =>
            {
                if (endpoint.Dns is { } previous) await dns.RegisterAsync(previous, CancellationToken.None).ConfigureAwait(false);
                else await dns.UnregisterAsync(endpoint.Id, CancellationToken.None).ConfigureAwait(false);
            }).ConfigureAwait(false);
            throw;
        }
        return response;
    }

    /// <summary>Leave: the endpoint's names no longer resolve, and its registration leaves the state.</summary>
    private Task LeaveDnsAsync(string endpointId, CancellationToken cancellationToken) =>
        loadFailure is not null
            ? Task.CompletedTask
            : LockedAsync(() => ForgetDnsAsync(endpointId), cancellationToken);

    /// <summary>Unregisters the endpoint (under the lock) and clears its registration in the state if it is still there.</summary>
    private async Task ForgetDnsAsync(string endpointId)
    {
        await dnsRestored.ConfigureAwait(false);
        await dns.UnregisterAsync(endpointId, CancellationToken.None).ConfigureAwait(false);
        if (!state.Endpoints.TryGetValue(endpointId, out var endpoint) || endpoint.Dns is null) return;
        state.Endpoints[endpointId] = endpoint with { Dns = null };
        Save(undo: () => state.Endpoints[endpointId] = endpoint);
    }
}
