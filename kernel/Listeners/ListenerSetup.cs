using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Berth.Kernel.Config;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Berth.Kernel.Listeners;

/// <summary>
/// Binds the API: <c>unix://</c> sockets (mode 0660, group <c>berth</c> when it exists), <c>tcp://</c> only with mutual TLS
/// (plain TCP is allowed on loopback alone), and <c>fd://</c> sockets handed over by systemd.
/// </summary>
public static class ListenerSetup
{
    /// <exception cref="ConfigException">An address that must not or cannot be served.</exception>
    public static IReadOnlyList<HostAddress> Validate(DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var hosts = config.Hosts.Select(HostAddress.Parse).ToList();
        foreach (var host in hosts.Where(h => h.Scheme == "tcp"))
        {
            if (!config.TlsVerify && !host.IsLoopback)
                throw new ConfigException($"refusing to listen on {host} without --tlsverify: anyone who reaches it would control this host as root; use --tlsverify with --tlscacert, --tlscert and --tlskey, or a unix socket");
        }
        if (hosts.Any(h => h.Scheme == "tcp") && (config.TlsVerify || config.Tls)) _ = Tls(config); // bad certificate files stop start-up with their names
        foreach (var host in hosts.Where(h => h.Scheme == "unix"))
        {
            if (File.Exists(host.Address) && IsServed(host.Address))
                throw new ConfigException($"another daemon is already listening on {host}");
        }
        return hosts;
    }

    public static void Configure(KestrelServerOptions kestrel, DaemonConfig config, IReadOnlyList<HostAddress> hosts)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(hosts);
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = null;
        foreach (var host in hosts)
        {
            switch (host.Scheme)
            {
                case "unix":
                    Directory.CreateDirectory(Path.GetDirectoryName(host.Address)!);
                    if (File.Exists(host.Address)) File.Delete(host.Address);
                    kestrel.ListenUnixSocket(host.Address, listen => listen.Use(UpgradeBodyRewriter.Middleware).Use(HalfCloseGuard.Middleware));
                    break;
                case "fd":
                    foreach (var fd in SystemdSockets(host.Address)) kestrel.ListenHandle(fd, listen => listen.Use(UpgradeBodyRewriter.Middleware).Use(HalfCloseGuard.Middleware));
                    break;
                default:
                    var address = host.Address == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host.Address);
                    kestrel.Listen(address, host.Port, listen =>
                    {
                        if (config.TlsVerify || config.Tls) listen.UseHttps(Tls(config));
                        listen.Use(UpgradeBodyRewriter.Middleware).Use(HalfCloseGuard.Middleware);
                    });
                    break;
            }
        }
    }

    /// <summary>After binding: 0660 and the configured group on every unix socket.</summary>
    public static void SecureSockets(DaemonConfig config, IReadOnlyList<HostAddress> hosts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(hosts);
        var gid = GroupId(config.Group);
        foreach (var host in hosts.Where(h => h.Scheme == "unix"))
        {
            File.SetUnixFileMode(host.Address, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            if (gid is { } g) _ = NativeMethods.Chown(host.Address, -1, g);
        }
    }

    public static void RemoveSockets(IReadOnlyList<HostAddress> hosts)
    {
        foreach (var host in hosts?.Where(h => h.Scheme == "unix") ?? [])
            if (File.Exists(host.Address)) File.Delete(host.Address);
    }

    private static HttpsConnectionAdapterOptions Tls(DaemonConfig config)
    {
        X509Certificate2 certificate;
        var ca = new X509Certificate2Collection();
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(config.TlsCert, config.TlsKey);
            if (config.TlsVerify) ca.ImportFromPemFile(config.TlsCaCert);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ConfigException($"invalid TLS configuration (tlscert {config.TlsCert}, tlskey {config.TlsKey}, tlscacert {config.TlsCaCert}): {ex.Message}");
        }
        var options = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
        if (config.TlsVerify)
        {
            options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            options.ClientCertificateValidation = (client, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // clientAuth
                return chain.Build(client);
            };
        }
        return options;
    }

    private static IEnumerable<ulong> SystemdSockets(string name)
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("LISTEN_FDS"), out var n) ? n : 0;
        if (count == 0) throw new ConfigException("fd:// given but systemd passed no sockets (LISTEN_FDS is not set)");
        var names = (Environment.GetEnvironmentVariable("LISTEN_FDNAMES") ?? "").Split(':');
        for (var i = 0; i < count; i++)
            if (name.Length == 0 || (i < names.Length && names[i] == name)) yield return (ulong)(3 + i);
    }

    private static bool IsServed(string path)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int? GroupId(string group)
    {
        if (string.IsNullOrEmpty(group) || !File.Exists("/etc/group")) return null;
        foreach (var line in File.ReadLines("/etc/group"))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && fields[0] == group && int.TryParse(fields[2], out var gid)) return gid;
        }
        return null;
    }
}
