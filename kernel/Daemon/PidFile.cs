using Berth.Sdk.Storage;
using Berth.Kernel.Config;

namespace Berth.Kernel.Daemon;

/// <summary>The pid file: refuses to start while another berthd holds it, removed at shutdown.</summary>
public sealed class PidFile : IAsyncDisposable
{
    private readonly string path;

    private PidFile(string path) => this.path = path;

    public static async Task<PidFile> CreateAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path) && int.TryParse((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim(), out var pid)
            && pid != Environment.ProcessId && Directory.Exists($"/proc/{pid}"))
            throw new ConfigException($"pid file found, ensure berthd is not running or delete {path} (process {pid} is alive)");
        await AtomicFile.WriteAllBytesAsync(path, System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}"), cancellationToken,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead).ConfigureAwait(false);
        return new PidFile(path);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort at shutdown.
        }
        return ValueTask.CompletedTask;
    }
}
