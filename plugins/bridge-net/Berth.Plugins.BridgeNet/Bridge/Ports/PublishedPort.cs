using System.Net;
using System.Text.Json.Serialization;
using Berth.Sdk.Network;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>
/// One published port as <c>bridge.json</c> keeps it on the endpoint:
/// <c>{ "proto": "tcp", "hostIP": "0.0.0.0", "hostPort": 8080, "containerIP": "172.18.0.2", "containerPort": 80 }</c>.
/// </summary>
/// <param name="Proto">tcp, udp or sctp.</param>
/// <param name="HostIP">The host address the port is published on (<c>0.0.0.0</c> for every one).</param>
/// <param name="HostPort">The host port chosen.</param>
/// <param name="ContainerIP">The endpoint's IPv4 address, where the traffic goes.</param>
/// <param name="ContainerPort">The port in the container.</param>
internal sealed record PublishedPort(string Proto, string HostIP, int HostPort, string ContainerIP, int ContainerPort)
{
    [JsonIgnore]
    public PortProtocol Protocol => PortProtocol.FromName(Proto) ?? throw new InvalidDataException($"unknown port protocol '{Proto}'");

    /// <summary>True when the port is published on every host address.</summary>
    [JsonIgnore]
    public bool AnyHostAddress => IPAddress.Parse(HostIP).Equals(IPAddress.Any);

    /// <summary>What EndpointOperInfo answers for it: libnetwork's PortBinding with the chosen host port (HostPortEnd = HostPort).</summary>
    public PortBinding ToBinding() => new(Protocol.Number, ContainerIP, ContainerPort, HostIP, HostPort, HostPort);

    /// <summary>Moby's description of a binding in errors: <c>0.0.0.0:8080:172.18.0.2:80/tcp</c>.</summary>
    public override string ToString() => $"{HostIP}:{HostPort}:{ContainerIP}:{ContainerPort}/{Proto}";
}
