using System.Text.Json;

namespace Berth.Kernel.Images.Distribution;

/// <summary>A token from a registry's token server, good until <see cref="ExpiresAt"/>.</summary>
internal sealed record BearerToken(string Token, DateTimeOffset ExpiresAt)
{
    /// <summary>Docker's floor: a token server that says less (or nothing) is taken to mean a minute.</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(60);

    /// <summary>How long before its expiry a token is no longer handed out, so it does not lapse in flight.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    public bool IsValidAt(DateTimeOffset now) => now + Margin < ExpiresAt;

    /// <summary>Reads <c>{"token"|"access_token", "expires_in", "issued_at"}</c>.</summary>
    /// <exception cref="FormatException">No token in the answer.</exception>
    public static BearerToken Parse(ReadOnlySpan<byte> json, DateTimeOffset now)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var token = String(root, "token") ?? String(root, "access_token")
                        ?? throw new FormatException("the token server's answer holds no token");
            var lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds)
                ? TimeSpan.FromSeconds(Math.Max(seconds, (long)MinimumLifetime.TotalSeconds))
                : MinimumLifetime;
            var issued = String(root, "issued_at") is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                && at <= now
                ? at
                : now;
            return new BearerToken(token, issued + lifetime);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the token server's answer is not JSON: {ex.Message}", ex);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text ? text : null;

    public override string ToString() => $"BearerToken {{ ExpiresAt = {ExpiresAt:O} }}";
}
