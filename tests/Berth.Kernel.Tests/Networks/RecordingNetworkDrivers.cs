using System.Net;
using System.Text.Json;
using Berth.Kernel.Networks;
using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Network;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Tests.Networks;

/// <summary>
/// A bridge driver and IPAM that record what the network service asked of them: the service's own logic is what is
/// tested; the real plugin has its own tests.
/// </summary>
internal sealed class RecordingNetworkDrivers : INetworkDrivers, INetworkDriver, IIpamDriver
{
    private int nextPool = 18;

    public List<string> Calls { get; } = [];
    public List<CreateNetworkRequest> Created { get; } = [];
    public HashSet<string> Pools { get; } = [];
    public Exception? CreateNetworkFailure { get; set; }
    public Exception? ProgramFailure { get; set; }

    /// <summary>What GetDefaultAddressSpaces answers as the local space; pool ids are <c>&lt;space&gt;/&lt;subnet&gt;</c>.</summary>
    public string LocalAddressSpace { get; set; } = "LocalDefault";

    /// <summary>The port map of the last ProgramExternalConnectivity; oper info answers it with host port 0 made 32768.</summary>
    public List<PortBinding> Programmed { get; } = [];

    public INetworkDriver Network(string driver) => driver == "bridge" ? this : throw BerthException.NotFound($"plugin \"{driver}\" not found");
    public IIpamDriver Ipam(string driver) => driver == "default" ? this : throw BerthException.NotFound($"plugin \"{driver}\" not found");
    public string PluginIdOf(ProtocolId kind, string driver) => "bridge-net-id";

    public Task<NetworkCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new NetworkCapabilities("local", "local"));

    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        Calls.Add($"CreateNetwork {request.NetworkId[..12]}");
        if (CreateNetworkFailure is { } failure) throw failure;
        Created.Add(request);
        return Task.CompletedTask;
    }

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        Calls.Add($"DeleteNetwork {networkId[..12]}");
        return Task.CompletedTask;
    }

    public Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken)
    {
        var pool = request.Pool ?? $"172.{nextPool++}.0.0/16";
        Calls.Add($"RequestPool {pool}");
        Pools.Add(pool);
        return Task.FromResult(new RequestPoolResponse($"{request.AddressSpace}/{pool}", pool, null));
    }

    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken)
    {
        Calls.Add($"ReleasePool {poolId}");
        Pools.Remove(SubnetOf(poolId));
        return Task.CompletedTask;
    }

    public Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken)
    {
        var pool = SubnetOf(request.PoolId);
        var bytes = IPAddress.Parse(pool.Split('/')[0]).GetAddressBytes();
        bytes[3] = 1;
        var address = request.Address ?? new IPAddress(bytes).ToString();
        Calls.Add($"RequestAddress {address} {request.Options?.GetValueOrDefault("RequestAddressType")}".TrimEnd());
        return Task.FromResult(new RequestAddressResponse($"{address}/{pool.Split('/')[1]}", null));
    }

    public Task ReleaseAddressAsync(string poolId, string address, CancellationToken cancellationToken)
    {
        Calls.Add($"ReleaseAddress {address}");
        return Task.CompletedTask;
    }

    Task<IpamCapabilities> IIpamDriver.GetCapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new IpamCapabilities(false, false));
    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) => Task.FromResult(new AddressSpaces(LocalAddressSpace, "GlobalDefault"));

    private static string SubnetOf(string poolId) => poolId[(poolId.IndexOf('/', StringComparison.Ordinal) + 1)..];
    public Task<EndpointInterface> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        Calls.Add($"EndpointOperInfo {endpointId}");
        var published = Programmed.Select(b => b with { HostIP = b.HostIP.Length == 0 ? "0.0.0.0" : b.HostIP, HostPort = b.HostPort == 0 ? 32768 : b.HostPort, HostPortEnd = 0 });
        IReadOnlyDictionary<string, JsonElement> info = new Dictionary<string, JsonElement> { [EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(published) };
        return Task.FromResult(info);
    }

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken)
    {
        Calls.Add($"ProgramExternalConnectivity {endpointId}");
        if (ProgramFailure is { } failure) throw failure;
        Programmed.AddRange(options[EndpointOptions.PortMap].Deserialize<List<PortBinding>>()!);
        return Task.CompletedTask;
    }

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        Calls.Add($"RevokeExternalConnectivity {endpointId}");
        Programmed.Clear();
        return Task.CompletedTask;
    }
}
