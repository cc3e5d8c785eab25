using System.Net;
using System.Net.Sockets;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>What a sandbox's lookup of a name found.</summary>
/// <param name="Known">The name is one the sandbox resolves locally (even when it has no address of the asked family).</param>
/// <param name="Addresses">The addresses of the asked family, in registration order.</param>
internal readonly record struct DnsLookup(bool Known, IReadOnlyList<IPAddress> Addresses)
{
    public static DnsLookup Unknown { get; } = new(false, []);
}

/// <summary>
/// The embedded DNS's names, Moby's way: every registered endpoint's names resolve, for every sandbox with an endpoint
/// on the same network, to its addresses; a sandbox's legacy links add names only it resolves. A sandbox looks through
/// its networks in the order it joined them and answers from the first that knows the name. Thread-safe: lookups run
/// on the listeners' threads while Join and Leave change the table.
/// </summary>
internal sealed class DnsTable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> byEndpoint = new(StringComparer.Ordinal);

    // Registration order: a sandbox's entries in the order it joined its networks, a network's in the order they came.
    private readonly Dictionary<string, List<Entry>> bySandbox = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Entry>> byNetwork = new(StringComparer.Ordinal);

    /// <summary>Adds the registration, or replaces the endpoint's earlier one (keeping its place when sandbox and network stay).</summary>
    public void Add(DnsRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var entry = new Entry(registration);
        lock (gate)
        {
            if (byEndpoint.TryGetValue(registration.EndpointId, out var previous)
                && previous.Registration.SandboxKey == registration.SandboxKey && previous.Registration.NetworkId == registration.NetworkId)
            {
                Replace(bySandbox[registration.SandboxKey], previous, entry);
                Replace(byNetwork[registration.NetworkId], previous, entry);
            }
            else
            {
                if (previous is not null) RemoveLocked(previous);
                Append(bySandbox, registration.SandboxKey, entry);
                Append(byNetwork, registration.NetworkId, entry);
            }
            byEndpoint[registration.EndpointId] = entry;
        }
    }

    /// <summary>Removes the endpoint's registration and returns it; null when it had none.</summary>
    public DnsRegistration? Remove(string endpointId)
    {
        lock (gate)
        {
            if (!byEndpoint.TryGetValue(endpointId, out var entry)) return null;
            RemoveLocked(entry);
            return entry.Registration;
        }
    }

    public DnsRegistration? Get(string endpointId)
    {
        lock (gate) return byEndpoint.GetValueOrDefault(endpointId)?.Registration;
    }

    /// <summary>Whether any endpoint of the sandbox is registered (its listener is still needed).</summary>
    public bool HasSandbox(string sandboxKey)
    {
        lock (gate) return bySandbox.ContainsKey(sandboxKey);
    }

    /// <summary>The sandbox's upstream resolvers: those of its registrations, in join order, without repeats.</summary>
    public IReadOnlyList<string> ServersOf(string sandboxKey)
    {
        lock (gate)
        {
            return bySandbox.TryGetValue(sandboxKey, out var entries)
                ? entries.SelectMany(e => e.Registration.Servers).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
                : [];
        }
    }

    /// <summary>
    /// The addresses of <paramref name="family"/> that <paramref name="name"/> has for the sandbox: a link alias of the
    /// sandbox first, then the names on its networks. A name known only with addresses of the other family is
    /// <see cref="DnsLookup.Known"/> with no addresses.
    /// </summary>
    public DnsLookup Lookup(string sandboxKey, string name, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = DnsName.Trim(name);
        lock (gate)
        {
            if (!bySandbox.TryGetValue(sandboxKey, out var entries)) return DnsLookup.Unknown;
            var networks = NetworksOf(entries);
            var known = false;
            foreach (var entry in entries)
            {
                foreach (var (alias, target) in entry.Links)
                {
                    if (!DnsName.Comparer.Equals(alias, name)) continue;
                    var linked = LookupOnNetworks(networks, target, family);
                    if (linked.Addresses.Count > 0) return linked;
                    known |= linked.Known;
                }
            }
            var found = LookupOnNetworks(networks, name, family);
            return found with { Known = found.Known || known };
        }
    }

    /// <summary>The first name of the endpoint that has <paramref name="address"/> on one of the sandbox's networks.</summary>
    public string? NameOf(string sandboxKey, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (gate)
        {
            if (!bySandbox.TryGetValue(sandboxKey, out var entries)) return null;
            foreach (var network in NetworksOf(entries))
            {
                foreach (var entry in byNetwork[network])
                {
                    if (entry.Names.Count > 0 && (address.Equals(entry.IPv4) || address.Equals(entry.IPv6))) return entry.Names[0];
                }
            }
            return null;
        }
    }

    private DnsLookup LookupOnNetworks(IReadOnlyList<string> networks, string name, AddressFamily family)
    {
        var known = false;
        foreach (var network in networks)
        {
            var addresses = new List<IPAddress>();
            foreach (var entry in byNetwork[network])
            {
                if (!entry.Names.Contains(name, DnsName.Comparer)) continue;
                known = true;
                if ((family == AddressFamily.InterNetwork ? entry.IPv4 : entry.IPv6) is { } address) addresses.Add(address);
            }
            if (addresses.Count > 0) return new DnsLookup(true, addresses);
        }
        return new DnsLookup(known, []);
    }

    private static List<string> NetworksOf(List<Entry> entries) => entries.Select(e => e.Registration.NetworkId).Distinct(StringComparer.Ordinal).ToList();

    private void RemoveLocked(Entry entry)
    {
        var registration = entry.Registration;
        byEndpoint.Remove(registration.EndpointId);
        Detach(bySandbox, registration.SandboxKey, entry);
        Detach(byNetwork, registration.NetworkId, entry);
    }

    private static void Append(Dictionary<string, List<Entry>> map, string key, Entry entry)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(entry);
    }

    private static void Replace(List<Entry> list, Entry previous, Entry entry) => list[list.IndexOf(previous)] = entry;

    private static void Detach(Dictionary<string, List<Entry>> map, string key, Entry entry)
    {
        if (!map.TryGetValue(key, out var list)) return;
        list.Remove(entry);
        if (list.Count == 0) map.Remove(key);
    }

    /// <summary>A registration with its addresses parsed, names trimmed and links split.</summary>
    private sealed class Entry(DnsRegistration registration)
    {
        public DnsRegistration Registration { get; } = registration;
        public IPAddress? IPv4 { get; } = Parse(registration.Address, AddressFamily.InterNetwork);
        public IPAddress? IPv6 { get; } = Parse(registration.AddressIPv6, AddressFamily.InterNetworkV6);
        public IReadOnlyList<string> Names { get; } = registration.Names.Select(DnsName.Trim).Where(n => n.Length > 0).ToList();
        public IReadOnlyList<(string Alias, string Target)> Links { get; } = registration.Links.Select(ParseLink).OfType<(string, string)>().ToList();

        private static IPAddress? Parse(string? text, AddressFamily family) =>
            IPAddress.TryParse(text, out var address) && address.AddressFamily == family ? address : null;

        /// <summary><c>target:alias</c>; a bare <c>target</c> is its own alias, as <c>--link target</c> is.</summary>
        private static (string Alias, string Target)? ParseLink(string link)
        {
            var colon = link.IndexOf(':', StringComparison.Ordinal);
            var target = DnsName.Trim(colon < 0 ? link : link[..colon]);
            var alias = DnsName.Trim(colon < 0 ? link : link[(colon + 1)..]);
            return target.Length == 0 || alias.Length == 0 ? null : (alias, target);
        }
    }
}
