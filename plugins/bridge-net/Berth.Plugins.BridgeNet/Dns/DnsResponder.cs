using System.Net;
using System.Net.Sockets;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>
/// Turns a sandbox's query into the reply, as Moby's resolver does: A, AAAA and other types for the names the table
/// knows, PTR for their addresses, everything else forwarded upstream; SERVFAIL when no upstream answers, FORMERR for a
/// query it cannot read, silence for what is not a query at all.
/// </summary>
internal sealed class DnsResponder(DnsTable table, DnsForwarder forwarder)
{
    /// <summary>The largest UDP reply the resolver writes itself, whatever size a client announces.</summary>
    public const int MaxUdpReply = 4096;

    /// <summary>The reply to send back to the client; null to send nothing.</summary>
    public async Task<byte[]?> RespondAsync(string sandboxKey, ReadOnlyMemory<byte> message, DnsTransport transport, CancellationToken cancellationToken)
    {
        if (!DnsQuery.TryParse(message, out var query, out var failure))
        {
            return failure switch
            {
                DnsParseFailure.Malformed => DnsMessage.HeaderOnlyReply(message.Span, DnsMessage.FormatError),
                DnsParseFailure.NotImplemented => DnsMessage.HeaderOnlyReply(message.Span, DnsMessage.NotImplemented),
                _ => null,
            };
        }
        var maxLength = transport == DnsTransport.Udp ? Math.Min(query.UdpPayloadSize, MaxUdpReply) : DnsMessage.MaxTcpLength;
        if (AnswerLocally(sandboxKey, query, maxLength) is { } local) return local;

        var servers = new List<IPEndPoint>();
        foreach (var text in table.ServersOf(sandboxKey))
        {
            if (DnsForwarder.TryParseServer(text, out var server)) servers.Add(server);
        }
        var forwarded = await forwarder.ForwardAsync(message, servers, transport, cancellationToken).ConfigureAwait(false);
        return forwarded ?? DnsMessage.Reply(query, DnsMessage.ServerFailure, [], maxLength, authoritative: false);
    }

    /// <summary>The reply from the table alone; null when the query is for upstream.</summary>
    public byte[]? AnswerLocally(string sandboxKey, DnsQuery query, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Class != DnsMessage.ClassInternet) return null;
        switch (query.Type)
        {
            case DnsMessage.TypeA or DnsMessage.TypeAaaa:
            {
                var family = query.Type == DnsMessage.TypeA ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                var lookup = table.Lookup(sandboxKey, query.Name, family);
                if (!lookup.Known) return null;
                return DnsMessage.Reply(query, DnsMessage.NoError, lookup.Addresses.Select(DnsRecord.ForAddress).ToList(), maxLength);
            }
            case DnsMessage.TypePtr:
            {
                if (!DnsName.TryParseReverse(query.Name, out var address)) return Known(sandboxKey, query, maxLength);
                if (table.NameOf(sandboxKey, address) is not { } name || DnsRecord.Pointer(name) is not { } pointer) return null;
                return DnsMessage.Reply(query, DnsMessage.NoError, [pointer], maxLength);
            }
            default:
                return Known(sandboxKey, query, maxLength);
        }
    }

    /// <summary>A local name asked with a type the resolver has no records of: NOERROR, no answer.</summary>
    private byte[]? Known(string sandboxKey, DnsQuery query, int maxLength) =>
        table.Lookup(sandboxKey, query.Name, AddressFamily.InterNetwork).Known
            ? DnsMessage.Reply(query, DnsMessage.NoError, [], maxLength)
            : null;
}
