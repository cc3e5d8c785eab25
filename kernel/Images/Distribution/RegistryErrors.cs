using System.Net;
using System.Text.Json;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Turns a registry's error answer (<c>{"errors":[{"code","message","detail"}]}</c>) into the error Docker reports,
/// with its wording (moby's distribution/errors.go) and class.
/// </summary>
internal static class RegistryErrors
{
    public static BerthException Translate(RegistryRequest request, Uri uri, HttpStatusCode status, string? reason, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reference = request.Repository;
        var first = FirstError(body);
        if (status == HttpStatusCode.Unauthorized || first?.Code == "UNAUTHORIZED")
        {
            var message = first is { Code: "UNAUTHORIZED" } ? first.Text : "unauthorized: authentication required";
            return new BerthException(BerthErrorKind.Unauthorized, $"{TransportErrors.GoMethod(request.Method)} \"{uri.AbsoluteUri}\": {message}");
        }
        if (first is null) return FromStatus(request, uri, status, reason);
        return first.Code switch
        {
            "MANIFEST_UNKNOWN" => BerthException.NotFound($"manifest for {reference.WithDefaultTag().FamiliarString} not found: {first.Text}"),
            "NAME_UNKNOWN" => BerthException.NotFound($"repository {reference.FamiliarRepository} not found: {first.Text}"),
            "BLOB_UNKNOWN" or "BLOB_UPLOAD_UNKNOWN" => BerthException.NotFound(first.Text),
            "DENIED" when !request.Push => new BerthException(BerthErrorKind.Forbidden,
                $"pull access denied for {reference.FamiliarRepository}, repository does not exist or may require 'docker login': {first.Text}"),
            "DENIED" => new BerthException(BerthErrorKind.Forbidden, first.Text),
            _ => new BerthException(first.Text),
        };
    }

    private static BerthException FromStatus(RegistryRequest request, Uri uri, HttpStatusCode status, string? reason)
    {
        if (status == HttpStatusCode.NotFound && request.Subject == RegistrySubject.Manifest)
            return BerthException.NotFound($"manifest for {request.Repository.WithDefaultTag().FamiliarString} not found: manifest unknown: manifest unknown");
        var message = $"unexpected status from {request.Method.Method} request to {uri.AbsoluteUri}: {(int)status} {reason}".TrimEnd();
        return status switch
        {
            HttpStatusCode.NotFound => BerthException.NotFound(message),
            HttpStatusCode.Forbidden => new BerthException(BerthErrorKind.Forbidden, message),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
                => BerthException.Unavailable(message),
            _ => new BerthException(message),
        };
    }

    /// <summary>The first error of the body (Docker ignores the rest), or null when the body is not an error document.</summary>
    internal static RegistryError? FirstError(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors)
                || errors.ValueKind != JsonValueKind.Array)
                return null;
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object) continue;
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "UNKNOWN";
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                var detail = error.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null ? d.GetRawText() : null;
                return new RegistryError(code, message, detail);
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML page or plain text: fall back to the status.
        }
        return null;
    }
}
