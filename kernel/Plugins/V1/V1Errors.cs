using System.Text;
using System.Text.Json;
using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>
/// Docker's v1 error convention → Berth errors. A status other than 200 carries <c>{"Err":"…"}</c> (or a raw text body);
/// 404 means the method is not implemented. A 200 whose <c>Err</c> (IPAM: <c>Error</c>) is non-empty is a failure too.
/// </summary>
public static class V1Errors
{
    /// <summary>The Docker error class for a plugin's HTTP status; the plugin's own message is kept as it is.</summary>
    public static BerthErrorKind KindOf(int status) => status switch
    {
        400 => BerthErrorKind.InvalidParameter,
        401 => BerthErrorKind.Unauthorized,
        403 => BerthErrorKind.Forbidden,
        404 => BerthErrorKind.NotImplemented,
        409 => BerthErrorKind.Conflict,
        501 => BerthErrorKind.NotImplemented,
        503 => BerthErrorKind.Unavailable,
        408 or 504 => BerthErrorKind.Timeout,
        _ => BerthErrorKind.System,
    };

    /// <summary>The error for a reply whose status is not 200.</summary>
    public static BerthException FromStatus(string plugin, string method, int status, ReadOnlySpan<byte> body)
    {
        if (status == 404) return new V1MethodNotFoundException(plugin, method);
        var message = MessageOf(body);
        if (message.Length == 0) message = $"HTTP status {status}";
        return new BerthException(KindOf(status), $"plugin {plugin}: {method}: {message}");
    }

    /// <summary>The error a 200 reply reports in <c>Err</c> or <c>Error</c>, or null when it reports none.</summary>
    public static BerthException? FromReply(string plugin, string method, JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in reply.EnumerateObject())
        {
            if ((property.Name.Equals("Err", StringComparison.OrdinalIgnoreCase) || property.Name.Equals("Error", StringComparison.OrdinalIgnoreCase))
                && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } message)
                return new BerthException(BerthErrorKind.System, $"plugin {plugin}: {method}: {message}");
        }
        return null;
    }

    /// <summary><c>Err</c> of a JSON error body, else the body as text (moby's fallback), trimmed.</summary>
    public static string MessageOf(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (JsonDocument.TryParseValue(ref reader, out var document))
            {
                using (document)
                {
                    if (document.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var property in document.RootElement.EnumerateObject())
                        {
                            if (property.Name.Equals("Err", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                                return property.Value.GetString()!.Trim();
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: the text itself is the message
        }
        return Encoding.UTF8.GetString(body).Trim();
    }
}
