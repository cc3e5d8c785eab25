namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>A transport protocol ports are published for: its name (iptables', Docker's), IP protocol number and socket type.</summary>
internal sealed record PortProtocol(string Name, int Number, int SocketType)
{
    private const int Stream = 1;       // SOCK_STREAM
    private const int Datagram = 2;     // SOCK_DGRAM

    public static readonly PortProtocol Tcp = new("tcp", 6, Stream);
    public static readonly PortProtocol Udp = new("udp", 17, Datagram);
    public static readonly PortProtocol Sctp = new("sctp", 132, Stream);

    private static readonly PortProtocol[] All = [Tcp, Udp, Sctp];

    /// <summary>The protocol with IP protocol number <paramref name="number"/> (6, 17, 132), or null.</summary>
    public static PortProtocol? FromNumber(int number) => All.FirstOrDefault(p => p.Number == number);

    /// <summary>The protocol called <paramref name="name"/> (<c>tcp</c>, <c>udp</c>, <c>sctp</c>), or null.</summary>
    public static PortProtocol? FromName(string? name) => All.FirstOrDefault(p => p.Name == name);

    public override string ToString() => Name;
}
