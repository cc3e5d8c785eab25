using Berth.Sdk.Storage;
namespace Berth.Kernel.Daemon;

/// <summary>The daemon's stable id (kept in <c>&lt;data-root&gt;/engine-id</c>) and host name.</summary>
public sealed record DaemonIdentity(string Id, string Name)
{
    public static async Task<DaemonIdentity> LoadAsync(string dataRoot, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataRoot, "engine-id");
        string id;
        if (File.Exists(path) && (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim() is { Length: > 0 } existing)
        {
            id = existing;
        }
        else
        {
            id = Guid.NewGuid().ToString();
            await AtomicFile.WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(id + "\n"), cancellationToken).ConfigureAwait(false);
        }
        return new DaemonIdentity(id, Environment.MachineName);
    }
}
