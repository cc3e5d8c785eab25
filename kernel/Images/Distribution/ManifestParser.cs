using System.Text;
using System.Text.Json;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Reads manifests and manifest lists / OCI indexes from their JSON, strictly enough that a malformed one is refused
/// before any blob is fetched. Also used for the manifests of OCI layouts given to <c>docker load</c>.
/// </summary>
public static class ManifestParser
{
    private static readonly HashSet<string> GenericContentTypes = new(StringComparer.Ordinal)
    {
        "", "application/json", "text/plain", "application/octet-stream", "binary/octet-stream",
    };

    /// <summary>
    /// The media type of a fetched manifest: the Content-Type when it is specific, else the document's own
    /// <c>mediaType</c>, else what its shape says (schema 1, an OCI index, an OCI manifest).
    /// </summary>
    public static string DetectMediaType(string? contentType, ReadOnlySpan<byte> bytes)
    {
        var declared = (contentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();
        if (!GenericContentTypes.Contains(declared)) return declared;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return declared;
            if (root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number && version.GetInt32() == 1)
                return root.TryGetProperty("signatures", out _) ? MediaTypes.DockerManifestSchema1Signed : MediaTypes.DockerManifestSchema1;
            if (root.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String)
                return mediaType.GetString()!;
            if (root.TryGetProperty("manifests", out _)) return MediaTypes.OciIndex;
            if (root.TryGetProperty("config", out _)) return MediaTypes.OciManifest;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            // Not JSON at all: the caller refuses the declared type.
        }
        return declared.Length == 0 ? "application/octet-stream" : declared;
    }

    /// <exception cref="BerthException">Schema 1, an unknown or mismatched media type, or a malformed document (invalid parameter).</exception>
    public static ImageManifest ParseManifest(string mediaType, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        ArgumentNullException.ThrowIfNull(bytes);
        RefuseUnsupported(mediaType, MediaTypes.IsManifest);
        return Read(mediaType, bytes, root => new ImageManifest(
            mediaType,
            ReadDescriptor(Required(root, "config")),
            Required(root, "layers").EnumerateArray().Select(ReadDescriptor).ToArray()));
    }

    /// <exception cref="BerthException">Not a manifest list / OCI index, or a malformed one (invalid parameter).</exception>
    public static ManifestIndex ParseIndex(string mediaType, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        ArgumentNullException.ThrowIfNull(bytes);
        RefuseUnsupported(mediaType, MediaTypes.IsIndex);
        return Read(mediaType, bytes, root => new ManifestIndex(
            mediaType,
            Required(root, "manifests").EnumerateArray().Select(ReadDescriptor).ToArray()));
    }

    internal static BerthException Unsupported(string mediaType) => MediaTypes.IsSchema1(mediaType)
        ? BerthException.Invalid($"unsupported manifest media type \"{mediaType}\": Docker Image manifest version 2, schema 1 is deprecated and no longer supported; the image must be pushed in the OCI format or as Docker Image manifest v2, schema 2")
        : BerthException.Invalid($"unsupported manifest media type \"{mediaType}\"");

    private static void RefuseUnsupported(string mediaType, Func<string, bool> accepted)
    {
        if (!accepted(mediaType)) throw Unsupported(mediaType);
    }

    private static T Read<T>(string mediaType, byte[] bytes, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Malformed(mediaType, "not a JSON object");
            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2)
                throw Malformed(mediaType, "schemaVersion must be 2");
            if (root.TryGetProperty("mediaType", out var own) && own.ValueKind != JsonValueKind.Null && own.GetString() != mediaType)
                throw Malformed(mediaType, $"mediaType in manifest should be '{mediaType}' not '{own.GetString()}'");
            return read(root);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw Malformed(mediaType, ex.Message);
        }
    }

    private static Descriptor ReadDescriptor(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException("a descriptor is not a JSON object");
        var mediaType = Required(element, "mediaType").GetString()!;
        var digest = Required(element, "digest").GetString()!;
        if (DigestFormat.Problem(digest) is { } problem) throw new FormatException($"descriptor digest \"{digest}\": {problem}");
        var size = Required(element, "size").GetInt64();
        if (size < 0) throw new FormatException($"descriptor {digest} has a negative size");
        return new Descriptor(mediaType, digest, size, ReadUrls(element), ReadAnnotations(element), ReadPlatform(element));
    }

    private static string[]? ReadUrls(JsonElement element) =>
        Optional(element, "urls") is { } urls ? urls.EnumerateArray().Select(u => u.GetString()!).ToArray() : null;

    private static Dictionary<string, string>? ReadAnnotations(JsonElement element) =>
        Optional(element, "annotations") is { } annotations
            ? annotations.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : null;

    private static Platform? ReadPlatform(JsonElement element)
    {
        if (Optional(element, "platform") is not { } platform) return null;
        return new Platform(
            Required(platform, "architecture").GetString()!,
            Required(platform, "os").GetString()!,
            Optional(platform, "variant")?.GetString() is { Length: > 0 } variant ? variant : null);
    }

    private static JsonElement Required(JsonElement element, string name) =>
        Optional(element, name) ?? throw new FormatException($"missing \"{name}\"");

    private static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static BerthException Malformed(string mediaType, string reason) =>
        BerthException.Invalid($"invalid manifest ({mediaType}): {reason}");
}
