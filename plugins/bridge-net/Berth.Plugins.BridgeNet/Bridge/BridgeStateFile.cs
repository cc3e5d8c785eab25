namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// The driver's state on disk, <c>&lt;root&gt;/bridge.json</c>:
/// <code>
/// { "version": 1,
///   "networks": [ { "id": "…", "bridgeName": "br-0123456789ab", "subnet": "172.18.0.0/16", "gateway": "172.18.0.1/16",
///                   "mtu": 1500, "enableIcc": true, "enableMasquerade": true, "internal": false, "enableIPv6": false,
///                   "defaultBridge": false, "hostBindingIPv4": "0.0.0.0", "containerInterfacePrefix": "eth",
///                   "createdBridge": true } ],
///   "endpoints": [ { "id": "…", "networkId": "…", "hostInterface": "veth1a2b3c4", "containerInterface": "vethc5d6e7f",
///                    "address": "172.18.0.2/16", "macAddress": "02:42:ac:12:00:02",
///                    "ports": [ { "proto": "tcp", "hostIP": "0.0.0.0", "hostPort": 8080, "containerIP": "172.18.0.2", "containerPort": 80 } ],
///                    "dns": { "endpointId": "…", "networkId": "…", "sandboxKey": "/var/run/berth/netns/…", "address": "172.18.0.2",
///                             "names": [ "web", "0123456789ab" ], "links": [ "db:database" ], "servers": [ "10.0.0.2" ] } } ] }
/// </code>
/// Null fields are left out. Every save replaces the file atomically: a temporary file, fsync, rename, fsync of the folder.
/// </summary>
internal sealed class BridgeStateFile(string directory)
{
    public const string FileName = "bridge.json";
    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>The state on disk; empty when there is no file yet.</summary>
    /// <exception cref="InvalidDataException">The file is not a state this version understands.</exception>
    public BridgeState Load()
    {
        var state = new BridgeState();
        if (VersionedStateFile.Load<Document>(Path) is not { } document) return state;
        foreach (var network in document.Networks ?? []) state.Networks[network.Id] = network;
        foreach (var endpoint in document.Endpoints ?? []) state.Endpoints[endpoint.Id] = endpoint;
        return state;
    }

    public void Save(BridgeState state)
    {
        var document = new Document(
            VersionedStateFile.CurrentVersion,
            [.. state.Networks.Values.OrderBy(n => n.Id, StringComparer.Ordinal)],
            [.. state.Endpoints.Values.OrderBy(e => e.Id, StringComparer.Ordinal)]);
        VersionedStateFile.Save(Path, document);
    }

    private sealed record Document(int Version, List<BridgeNetwork>? Networks, List<BridgeEndpoint>? Endpoints) : IVersionedDocument;
}
