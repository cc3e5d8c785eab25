using System.Net;

namespace Berth.Kernel.Config;

/// <summary>A listen address: <c>unix:///path</c>, <c>tcp://host:port</c> or <c>fd://</c>.</summary>
public sealed record HostAddress(string Scheme, string Address, int Port)
{
    public const int DefaultTlsPort = 2376;

    public bool IsLoopback => Scheme == "tcp" && (Address is "localhost" || (IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip)));

    public override string ToString() => Scheme switch
    {
        "unix" => $"unix://{Address}",
        "fd" => $"fd://{Address}",
        _ => $"tcp://{Address}:{Port}",
    };

    /// <exception cref="ConfigException">The address is malformed.</exception>
    public static HostAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = text["unix://".Length..];
            if (path.Length == 0 || !path.StartsWith('/'))
                throw new ConfigException($"invalid value for \"hosts\": {text}: a unix socket needs an absolute path");
            return new HostAddress("unix", path, 0);
        }
        if (text.StartsWith("fd://", StringComparison.Ordinal)) return new HostAddress("fd", text["fd://".Length..], 0);
        if (text.StartsWith("tcp://", StringComparison.Ordinal) || !text.Contains("://", StringComparison.Ordinal))
        {
            var rest = text.StartsWith("tcp://", StringComparison.Ordinal) ? text["tcp://".Length..] : text;
            var colon = rest.LastIndexOf(':');
            var host = colon >= 0 ? rest[..colon] : rest;
            var port = DefaultTlsPort;
            if (colon >= 0 && (!int.TryParse(rest[(colon + 1)..], out port) || port is <= 0 or > 65535))
                throw new ConfigException($"invalid value for \"hosts\": {text}: bad port");
            host = host.Trim('[', ']');
            if (host.Length == 0) host = "0.0.0.0";
            if (host != "localhost" && !IPAddress.TryParse(host, out _))
                throw new ConfigException($"invalid value for \"hosts\": {text}: \"{host}\" is not an IP address");
            return new HostAddress("tcp", host, port);
        }
        throw new ConfigException($"invalid value for \"hosts\": {text}: only unix://, tcp:// and fd:// are supported");
    }
}
