using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Sdk.Storage;

namespace Berth.Plugins.BridgeNet;

/// <summary>A document of the plugin's state files: its format version comes first.</summary>
internal interface IVersionedDocument
{
    int Version { get; }
}

/// <summary>
/// How the plugin keeps its state files (<c>bridge.json</c>, <c>ipam.json</c>): camelCase JSON with a format version,
/// null fields left out, every save an atomic replacement (temporary file, fsync, rename, fsync of the folder).
/// </summary>
internal static class VersionedStateFile
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The document at <paramref name="path"/>, or null when there is no file yet.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, is empty, or has another format version.</exception>
    public static T? Load<T>(string path) where T : class, IVersionedDocument
    {
        if (!File.Exists(path)) return null;
        T? document;
        try
        {
            document = JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }
        if (document is null) throw new InvalidDataException($"{path} holds no state");
        if (document.Version != CurrentVersion) throw new InvalidDataException($"{path} has state version {document.Version}; this plugin reads version {CurrentVersion}");
        return document;
    }

    public static void Save<T>(string path, T document) where T : IVersionedDocument =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(document, Json));
}
