using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// What a client sends in the Engine API's <c>X-Registry-Auth</c> header: base64url of Docker's AuthConfig JSON.
/// </summary>
public sealed record RegistryCredentials(
    string? Username,
    string? Password,
    string? Email = null,
    string? ServerAddress = null,
    string? IdentityToken = null,
    string? RegistryToken = null)
{
    public const string HeaderName = "X-Registry-Auth";

    public bool HasBasic => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);

    /// <summary>Decodes the header; null when it is absent, empty or carries nothing usable (e.g. <c>{}</c>).</summary>
    /// <exception cref="BerthException">Neither base64 nor JSON (invalid parameter).</exception>
    public static RegistryCredentials? Decode(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        AuthConfigJson config;
        string? username, password;
        try
        {
            config = JsonSerializer.Deserialize<AuthConfigJson>(DecodeBase64(header.Trim()), JsonOptions)
                     ?? throw new JsonException("the header holds JSON null");
            (username, password) = (config.Username, config.Password);
            if (string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password) && !string.IsNullOrEmpty(config.Auth))
                (username, password) = SplitAuth(config.Auth);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw BerthException.Invalid($"invalid X-Registry-Auth header: {ex.Message}");
        }

        var credentials = new RegistryCredentials(
            Empty(username), Empty(password), Empty(config.Email), Empty(config.ServerAddress),
            Empty(config.IdentityToken), Empty(config.RegistryToken));
        return credentials.HasBasic || credentials.IdentityToken is not null || credentials.RegistryToken is not null ? credentials : null;
    }

    /// <summary>Encodes as the Docker CLI does (base64url of the JSON), for tests and for plugin pulls.</summary>
    public string Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new AuthConfigJson
        {
            Username = Username, Password = Password, Email = Email, ServerAddress = ServerAddress,
            IdentityToken = IdentityToken, RegistryToken = RegistryToken,
        }, JsonOptions);
        return Convert.ToBase64String(json).Replace('+', '-').Replace('/', '_');
    }

    // Keeps secrets out of logs: the record's generated ToString would print them.
    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, ServerAddress = {ServerAddress} }}";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>base64url or standard base64, padded or not.</summary>
    private static byte[] DecodeBase64(string value)
    {
        var standard = value.Replace('-', '+').Replace('_', '/');
        var padding = (4 - standard.Length % 4) % 4;
        if (padding == 3) throw new FormatException("the input is not a valid base64 string");
        return Convert.FromBase64String(standard + new string('=', padding));
    }

    private static (string? Username, string? Password) SplitAuth(string auth)
    {
        var decoded = Encoding.UTF8.GetString(DecodeBase64(auth));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) throw new FormatException("\"auth\" is not base64 of user:password");
        return (decoded[..colon], decoded[(colon + 1)..]);
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed class AuthConfigJson
    {
        [JsonPropertyName("username")] public string? Username { get; set; }
        [JsonPropertyName("password")] public string? Password { get; set; }
        [JsonPropertyName("auth")] public string? Auth { get; set; }
        [JsonPropertyName("email")] public string? Email { get; set; }
        [JsonPropertyName("serveraddress")] public string? ServerAddress { get; set; }
        [JsonPropertyName("identitytoken")] public string? IdentityToken { get; set; }
        [JsonPropertyName("registrytoken")] public string? RegistryToken { get; set; }
    }
}
