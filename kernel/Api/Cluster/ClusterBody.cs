using System.Text.Json;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Api.Cluster;

/// <summary>Request bodies of the swarm endpoints, passed to the cluster backend as JSON (Moby's ReadJSON: an empty body is an empty request).</summary>
public static class ClusterBody
{
    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    public static async Task<JsonElement> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return Parse(buffer.ToArray());
    }

    public static JsonElement Parse(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        while (start < bytes.Length && bytes[start] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') start++;
        if (start == bytes.Length) return Empty;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) throw BerthException.Invalid("unexpected content after JSON");
            if (document.RootElement.ValueKind == JsonValueKind.Null) return Empty;
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw BerthException.Invalid($"invalid JSON: cannot unmarshal {Kind(document.RootElement.ValueKind)} into an object");
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid JSON: {ex.Message}");
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        _ => "bool",
    };
}
