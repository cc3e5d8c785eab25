using System.Text.Json;
using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>
/// Moby's spec files: <c>.spec</c> holds one URL line; <c>.json</c> holds <c>{"Name","Addr","TLSConfig"}</c>. TLSConfig
/// (client certificates, custom CA, InsecureSkipVerify) is not applied: an <c>https://</c> address is verified against
/// the system's CAs.
/// </summary>
internal static class V1SpecFile
{
    public static V1PluginAddress Read(string name, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (IOException ex)
        {
            throw BerthException.Invalid($"plugin {name}: cannot read {path}: {ex.Message}");
        }
        var address = path.EndsWith(".json", StringComparison.Ordinal) ? AddrOf(name, path, text) : text;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("unix" or "tcp" or "http" or "https"))
            throw BerthException.Invalid($"plugin {name}: {path} holds \"{address}\", not a unix://, tcp:// or http(s):// address");
        return new V1PluginAddress(name, url, path);
    }

    private static string AddrOf(string name, string path, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("Addr", out var addr) && addr.ValueKind == JsonValueKind.String
                ? addr.GetString()!
                : throw BerthException.Invalid($"plugin {name}: {path} has no \"Addr\"");
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"plugin {name}: {path} is not valid JSON: {ex.Message}");
        }
    }
}
