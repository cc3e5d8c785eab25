using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>Docker's rules for <c>--listen-addr</c> and <c>--advertise-addr</c>: host, host:port, or an interface name.</summary>
public static class SwarmAddresses
{
    public const int DefaultPort = 2377;

    public static IPEndPoint Listen(string? listenAddr)
    {
        var (host, port) = Split(string.IsNullOrEmpty(listenAddr) ? $"0.0.0.0:{DefaultPort}" : listenAddr, DefaultPort);
        return new IPEndPoint(ResolveHost(host, "listen"), port);
    }

    /// <summary>The host:port other nodes use; without an advertise address, the listen address when it is specific, else the only non-loopback address.</summary>
    public static string Advertise(string? advertiseAddr, IPEndPoint listen)
    {
        if (!string.IsNullOrEmpty(advertiseAddr))
        {
            var (host, port) = Split(advertiseAddr, listen.Port);
            return Format(ResolveHost(host, "advertise"), port);
        }
        if (!listen.Address.Equals(IPAddress.Any))
            return Format(listen.Address, listen.Port);
        var candidates = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(a => (Interface: i.Name, a.Address)))
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        return candidates.Count switch
        {
            1 => Format(candidates[0].Address, listen.Port),
            0 => throw BerthException.Invalid("could not find the system's IP address - specify one with --advertise-addr"),
            _ => throw BerthException.Invalid(
                $"could not choose an IP address to advertise since this system has multiple addresses on different interfaces ({string.Join(" and ", candidates.Select(c => $"{c.Address} on {c.Interface}"))})"),
        };
    }

    /// <summary>The host part of host:port (or of a bare host).</summary>
    public static string HostOf(string addr) => Split(addr, DefaultPort).Host;

    public static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    private static (string Host, int Port) Split(string value, int defaultPort)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || value.EndsWith(']'))
            return (value.Trim('[', ']'), defaultPort);
        if (!int.TryParse(value[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw BerthException.Invalid($"invalid port in address {value}");
        return (value[..colon].Trim('[', ']'), port);
    }

    private static IPAddress ResolveHost(string host, string what)
    {
        if (IPAddress.TryParse(host, out var address))
            return address;
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.Name == host)
            ?? throw BerthException.Invalid($"{what} address must be an IP address or network interface (with optional port number)");
        return nic.GetIPProperties().UnicastAddresses.Select(a => a.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw BerthException.Invalid($"interface {host} has no usable IPv4 address");
    }
}
