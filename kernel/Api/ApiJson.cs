using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Api;

/// <summary>Engine API JSON: Docker's field names as written, errors as <c>{"message":…}</c> with exactly <c>application/json</c>.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static async Task WriteAsync<T>(HttpContext context, T value, int status = 200)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        context.Response.ContentLength = bytes.Length + 1;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(context, new ErrorBody(message), status);
    }

    public static void NoContent(HttpContext context, int status = 204)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
    }

    public sealed record ErrorBody([property: JsonPropertyName("message")] string Message);
}
