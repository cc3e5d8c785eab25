using System.Diagnostics;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Network;

[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The network driver (<c>docker network create -d</c>). As generated it gives each network a Linux bridge holding the
/// gateway address, and each joined endpoint a veth pair: one end on the bridge, the other named in Join for berthd to
/// move into the container. Containers of a network reach each other and the host; there is no NAT or port publishing.
/// State is kept in a file under the plugin's root, so a restarted process can still tear down what an earlier one
/// made (berthd replays CreateNetwork for every network when a process starts, nothing else). The host's links are
/// changed with iproute2's <c>ip</c>. It passes the conformance kit; replace it with your own networking (VXLAN, a
/// routed fabric…) and run `dotnet test` again.
/// </summary>
public sealed class Driver(PluginContext context) : INetworkDriver
{
    /// <summary>The <c>--opt</c> naming the bridge; by default <c>br-</c> and the first 12 characters of the network id.</summary>
    private const string BridgeOption = "bridge";

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string stateFile = Path.Combine(context.Root, "networks.json");
    private State? state;

    public Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NetworkCapabilities(Scope: "local", ConnectivityScope: "local"));

    /// <summary>Also berthd's replay at every process start: what exists already is kept, what is missing made again.</summary>
    public async Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pool = request.IPv4Data.FirstOrDefault() ?? throw BerthException.Invalid($"{context.Name} needs an IPv4 subnet");
        var bridge = Options(request).GetValueOrDefault(BridgeOption) ?? "br-" + Short(request.NetworkId);
        if (bridge.Length > 15 || !bridge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw BerthException.Invalid($"{context.Name}: invalid bridge name \"{bridge}\" (at most 15 letters, digits, '-', '_', '.')");
        await WithStateAsync(async current =>
        {
            if (current.Networks.FirstOrDefault(n => n.Value.Bridge == bridge && n.Key != request.NetworkId) is { Key: { } other })
                throw BerthException.Forbidden($"bridge {bridge} is used by network {Short(other)}");
            // A bridge this driver made is its own to remove with the network; one the host had is only borrowed.
            var created = current.Networks.TryGetValue(request.NetworkId, out var known) ? known.Created : !await LinkExistsAsync(bridge, cancellationToken);
            if (!await LinkExistsAsync(bridge, cancellationToken)) await IpAsync(cancellationToken, "link", "add", bridge, "type", "bridge");
            try
            {
                if (pool.Gateway is { Length: > 0 } gateway) await IpAsync(cancellationToken, "addr", "replace", gateway, "dev", bridge);
                await IpAsync(cancellationToken, "link", "set", bridge, "up");
            }
            catch when (created && known is null)
            {
                await IpAsync(CancellationToken.None, "link", "delete", bridge);
                throw;
            }
            current.Networks[request.NetworkId] = new NetworkState(bridge, pool.Gateway?.Split('/')[0], created);
        });
    }

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => WithStateAsync(async current =>
    {
        if (!current.Networks.TryGetValue(networkId, out var network)) return; // already gone: berthd may repeat a removal
        if (network.Created && await LinkExistsAsync(network.Bridge, cancellationToken)) await IpAsync(cancellationToken, "link", "delete", network.Bridge);
        current.Networks.Remove(networkId);
    });

    public Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WithStateAsync(current =>
        {
            if (!current.Networks.ContainsKey(request.NetworkId)) throw BerthException.NotFound($"network {request.NetworkId} not found");
            current.Endpoints[request.EndpointId] = request.NetworkId;
            return Task.FromResult(new EndpointInterface(null, null, null)); // berthd's address and MAC stand
        });
    }

    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>());

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => WithStateAsync(async current =>
    {
        if (await LinkExistsAsync(HostEnd(endpointId), cancellationToken)) await IpAsync(cancellationToken, "link", "delete", HostEnd(endpointId));
        current.Endpoints.Remove(endpointId);
    });

    /// <summary>A veth pair: the host end on the network's bridge, the other end for berthd to move into the sandbox.</summary>
    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WithStateAsync(async current =>
        {
            if (!current.Endpoints.TryGetValue(request.EndpointId, out var networkId) || !current.Networks.TryGetValue(networkId, out var network))
                throw BerthException.NotFound($"endpoint {request.EndpointId} not found");
            var (host, peer) = (HostEnd(request.EndpointId), "vc" + Short(request.EndpointId));
            if (await LinkExistsAsync(host, cancellationToken)) await IpAsync(cancellationToken, "link", "delete", host);
            await IpAsync(cancellationToken, "link", "add", host, "type", "veth", "peer", "name", peer);
            await IpAsync(cancellationToken, "link", "set", host, "master", network.Bridge, "up");
            return new JoinResponse(new InterfaceName(peer, "eth"), network.Gateway, null, null, DisableGatewayService: false);
        });
    }

    /// <summary>Nothing to undo here: DeleteEndpoint removes the veth pair.</summary>
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

    private static string HostEnd(string endpointId) => "vh" + Short(endpointId);

    private static string Short(string id) => id.Length >= 12 ? id[..12] : throw BerthException.Invalid($"invalid id \"{id}\"");

    /// <summary>The network's <c>--opt</c> values; only <see cref="BridgeOption"/> is known.</summary>
    private Dictionary<string, string> Options(CreateNetworkRequest request)
    {
        Dictionary<string, string> options;
        try
        {
            options = request.Options.TryGetValue("com.docker.network.generic", out var generic) && generic.ValueKind == JsonValueKind.Object
                ? generic.Deserialize<Dictionary<string, string>>() ?? [] : [];
        }
        catch (JsonException)
        {
            throw BerthException.Invalid($"{context.Name}: options must be strings");
        }
        foreach (var key in options.Keys.Where(k => k != BridgeOption))
            throw BerthException.Invalid($"{context.Name}: unknown option '{key}'");
        return options;
    }

    /// <param name="Created">Whether this driver made the bridge (and so removes it with the network).</param>
    private sealed record NetworkState(string Bridge, string? Gateway, bool Created);

    private sealed record State(Dictionary<string, NetworkState> Networks, Dictionary<string, string> Endpoints);

    /// <summary>
    /// One change at a time; the state is written (new file, then renamed over the old) before the call returns. A
    /// change that fails part-way is forgotten in memory: the next call reloads what was last written.
    /// </summary>
    private async Task<T> WithStateAsync<T>(Func<State, Task<T>> change)
    {
        await gate.WaitAsync();
        try
        {
            state ??= (File.Exists(stateFile) ? JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(stateFile)) : null) ?? new State([], []);
            var result = await change(state);
            Directory.CreateDirectory(context.Root);
            await File.WriteAllTextAsync(stateFile + ".next", JsonSerializer.Serialize(state));
            File.Move(stateFile + ".next", stateFile, overwrite: true);
            return result;
        }
        catch
        {
            state = null;
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private Task WithStateAsync(Func<State, Task> change) => WithStateAsync(async s =>
    {
        await change(s);
        return true;
    });

    private static async Task<bool> LinkExistsAsync(string name, CancellationToken cancellationToken) =>
        (await RunIpAsync(cancellationToken, "link", "show", name)).ExitCode == 0;

    private static async Task IpAsync(CancellationToken cancellationToken, params string[] args)
    {
        var (exitCode, error) = await RunIpAsync(cancellationToken, args);
        if (exitCode != 0) throw new BerthException($"ip {string.Join(' ', args)}: {error.Trim()}");
    }

    private static async Task<(int ExitCode, string Error)> RunIpAsync(CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var ip = Process.Start(start)!;
        var error = ip.StandardError.ReadToEndAsync(cancellationToken);
        await ip.StandardOutput.ReadToEndAsync(cancellationToken);
        await ip.WaitForExitAsync(cancellationToken);
        return (ip.ExitCode, await error);
    }
}
