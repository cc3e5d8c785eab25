using System.Net;
using Berth.Sdk;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>
/// Holds the host ports of published bindings, after Moby without its userland proxy: a socket bound (not listening)
/// to HostIP:HostPort for as long as the port is published, so no other container and no host program can take it,
/// and a port someone else has is refused when it is asked for. An ephemeral port (0) is the one the kernel picks from
/// its <c>ip_local_port_range</c>; a host port range gets its first free port. Bindings on every address
/// (<c>0.0.0.0</c>) and on one address of the same port and protocol conflict with each other.
/// SCTP ports are only tracked, without a socket, when the kernel has no SCTP.
/// </summary>
internal sealed class PortReservations(IPortSockets sockets, TextWriter log) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<Held>> byEndpoint = new(StringComparer.Ordinal);
    private bool disposed;

    /// <summary>
    /// Reserves a host port for each of <paramref name="requests"/>, all or none, and notes them as
    /// <paramref name="endpointId"/>'s. The endpoint must hold nothing yet.
    /// </summary>
    /// <param name="defaultHostIP">The address for a request without one (the network's default binding address).</param>
    /// <param name="containerIP">The endpoint's IPv4 address, recorded in the ports returned.</param>
    /// <exception cref="BerthException">System, with Moby's messages, when a port is taken: "Bind for 0.0.0.0:8080 failed: port is already allocated" (by a published port) or "failed to bind host port for 0.0.0.0:8080:172.18.0.2:80/tcp: address already in use" (by anything else).</exception>
    public IReadOnlyList<PublishedPort> Reserve(string endpointId, IReadOnlyList<PortRequest> requests, IPAddress defaultHostIP, string containerIP)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(defaultHostIP);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (byEndpoint.ContainsKey(endpointId)) throw new InvalidOperationException($"endpoint {endpointId} already holds ports");
            var made = new List<Held>();
            try
            {
                foreach (var request in requests) made.Add(ReserveOne(request, request.HostIP ?? defaultHostIP, containerIP, made));
            }
            catch
            {
                foreach (var held in made) held.Socket?.Dispose();
                throw;
            }
            byEndpoint[endpointId] = made;
            return [.. made.Select(h => h.Port)];
        }
    }

    /// <summary>
    /// Holds <paramref name="ports"/> again for <paramref name="endpointId"/> (after a restart): binds each exact port
    /// that has no socket yet. A port that cannot be bound stays noted, so no other binding gets it from this driver.
    /// </summary>
    /// <returns>What could not be bound, one line each; empty when everything is held.</returns>
    public IReadOnlyList<string> Restore(string endpointId, IReadOnlyList<PublishedPort> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var held = byEndpoint.GetValueOrDefault(endpointId) ?? [];
            byEndpoint[endpointId] = held;
            var problems = new List<string>();
            foreach (var port in ports)
            {
                var index = held.FindIndex(h => h.Port == port);
                if (index >= 0 && (held[index].Socket is not null || held[index].Unsupported)) continue;
                Held restored;
                try
                {
                    restored = Bind(port, PortProtocol.FromName(port.Proto) ?? throw new InvalidDataException($"unknown protocol '{port.Proto}'"));
                }
                catch (Exception ex) when (ex is SocketCallException or InvalidDataException or FormatException)
                {
                    problems.Add($"{port}: {ex.Message}");
                    restored = new Held(port, null, Unsupported: false);
                }
                if (index >= 0) held[index] = restored;
                else held.Add(restored);
            }
            return problems;
        }
    }

    /// <summary>
    /// Binds again every noted port that has no socket (another process held it at <see cref="Restore"/>: the old
    /// version of the plugin during an upgrade, say).
    /// </summary>
    /// <returns>How many ports are still not held.</returns>
    public int RetryMissing()
    {
        lock (gate)
        {
            var missing = 0;
            foreach (var (endpointId, held) in byEndpoint)
            {
                for (var i = 0; i < held.Count; i++)
                {
                    if (held[i].Socket is not null || held[i].Unsupported || PortProtocol.FromName(held[i].Port.Proto) is not { } protocol) continue;
                    try
                    {
                        held[i] = Bind(held[i].Port, protocol);
                        log.WriteLine($"bridge: published port {held[i].Port} of endpoint {endpointId[..Math.Min(12, endpointId.Length)]} is held again");
                    }
                    catch (SocketCallException)
                    {
                        missing++;
                    }
                }
            }
            return missing;
        }
    }

    /// <summary>Closes <paramref name="endpointId"/>'s sockets: its ports are free again. Nothing happens when it holds none.</summary>
    public void Release(string endpointId)
    {
        lock (gate)
        {
            if (!byEndpoint.Remove(endpointId, out var held)) return;
            foreach (var port in held) port.Socket?.Dispose();
        }
    }

    /// <summary>True when <paramref name="endpointId"/> holds ports.</summary>
    public bool Holds(string endpointId)
    {
        lock (gate) return byEndpoint.ContainsKey(endpointId);
    }

    /// <summary>Closes every socket (the plugin stops); the ports stay published in the firewall and the state.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            foreach (var held in byEndpoint.Values.SelectMany(h => h)) held.Socket?.Dispose();
            byEndpoint.Clear();
        }
    }

    private Held ReserveOne(PortRequest request, IPAddress hostIP, string containerIP, List<Held> made)
    {
        var protocol = request.Protocol;
        var host = hostIP.ToString();
        var wanted = new PublishedPort(protocol.Name, host, request.HostPort, containerIP, request.ContainerPort);
        if (request.HostPort == 0) return ReserveEphemeral(wanted, protocol, made);

        BerthException? failure = null;
        for (var port = request.HostPort; port <= request.HostPortEnd; port++)
        {
            var candidate = wanted with { HostPort = port };
            if (Conflicts(candidate, made))
            {
                failure ??= AlreadyAllocated(request.IsRange ? $"{host}:{request.HostPort}-{request.HostPortEnd}" : $"{host}:{port}");
                continue;
            }
            try
            {
                return Bind(candidate, protocol);
            }
            catch (SocketCallException ex) when (ex.Errno == SocketCalls.EADDRINUSE && port < request.HostPortEnd)
            {
                failure = BindFailed(wanted with { HostPort = port }, ex);
            }
            catch (SocketCallException ex)
            {
                throw BindFailed(request.IsRange ? wanted with { HostPort = port } : candidate, ex);
            }
        }
        throw failure ?? AlreadyAllocated($"{host}:{request.HostPort}");
    }

    /// <summary>Port 0: the kernel picks a free one from its ephemeral range; picked again when it is one this driver notes without a socket.</summary>
    private Held ReserveEphemeral(PublishedPort wanted, PortProtocol protocol, List<Held> made)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            Held held;
            try
            {
                held = Bind(wanted, protocol);
            }
            catch (SocketCallException ex)
            {
                throw BindFailed(wanted, ex);
            }
            if (held.Unsupported) throw new BerthException(BerthErrorKind.System, $"failed to bind host port for {wanted}: the host has no {protocol.Name.ToUpperInvariant()} to pick an ephemeral port with");
            if (!Conflicts(held.Port, made)) return held;
            held.Socket?.Dispose();
        }
        throw AlreadyAllocated($"{wanted.HostIP}:0");
    }

    /// <summary>Binds a socket to the port; a kernel without the protocol (SCTP) gives a socket-less hold.</summary>
    private Held Bind(PublishedPort port, PortProtocol protocol)
    {
        SafeFileHandle socket;
        try
        {
            socket = sockets.Open(protocol);
        }
        catch (SocketCallException ex) when (ex.Errno is SocketCalls.EPROTONOSUPPORT or SocketCalls.ESOCKTNOSUPPORT)
        {
            log.WriteLine($"bridge: {port.Proto} port {port.HostIP}:{port.HostPort} is published without holding it: {ex.Reason}");
            return new Held(port, null, Unsupported: true);
        }
        try
        {
            var bound = SocketCalls.Bind(socket, IPAddress.Parse(port.HostIP), port.HostPort);
            return new Held(port with { HostPort = bound }, socket, Unsupported: false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool Conflicts(PublishedPort candidate, List<Held> made) =>
        made.Concat(byEndpoint.Values.SelectMany(h => h)).Any(h => Overlaps(h.Port, candidate));

    private static bool Overlaps(PublishedPort a, PublishedPort b) =>
        a.Proto == b.Proto && a.HostPort == b.HostPort && (a.HostIP == b.HostIP || a.AnyHostAddress || b.AnyHostAddress);

    private static BerthException AlreadyAllocated(string what) => new(BerthErrorKind.System, $"Bind for {what} failed: port is already allocated");

    private static BerthException BindFailed(PublishedPort port, SocketCallException ex) =>
        new(BerthErrorKind.System, $"failed to bind host port for {port}: {ex.Reason}", ex);

    private sealed record Held(PublishedPort Port, SafeFileHandle? Socket, bool Unsupported);
}
