using System.Text.Json;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Networks;

/// <summary>Networks on disk, one JSON file each, written atomically; a file that cannot be read is reported and skipped.</summary>
public sealed class NetworkStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { WriteIndented = false };

    private NetworkStore(string root) => Root = root;

    /// <summary><c>&lt;data-root&gt;/network/networks</c>.</summary>
    public string Root { get; }

    public static async Task<(NetworkStore Store, IReadOnlyList<NetworkRecord> Networks)> LoadAsync(string root, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var networks = new List<NetworkRecord>();
        foreach (var file in Directory.EnumerateFiles(root, "*.json"))
        {
            try
            {
                await using var stream = File.OpenRead(file);
                if (await JsonSerializer.DeserializeAsync<NetworkRecord>(stream, Json, cancellationToken).ConfigureAwait(false) is { } record)
                    networks.Add(record);
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                Serilog.Log.Warning("skipping network record {File}: {Message}", file, ex.Message);
            }
        }
        return (new NetworkStore(root), networks);
    }

    public Task SaveAsync(NetworkRecord network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        return AtomicFile.WriteAllBytesAsync(PathOf(network.Id), JsonSerializer.SerializeToUtf8Bytes(network, Json), cancellationToken);
    }

    public void Delete(string id) => File.Delete(PathOf(id));

    private string PathOf(string id) => Path.Combine(Root, id + ".json");
}
