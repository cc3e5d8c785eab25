using System.Security.Cryptography;
using System.Text;

namespace Berth.Kernel.InitLayer;

/// <summary>
/// The per-container files the kernel bind-mounts at /etc/hostname, /etc/hosts and /etc/resolv.conf, kept in the
/// container's folder (<c>&lt;data-root&gt;/containers/&lt;id&gt;/</c>) as moby does. Writers of one file are serialised;
/// see <see cref="ContainerFileWriter"/> for how a file that may already be mounted is replaced.
/// </summary>
public sealed class EtcFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public EtcFiles(string containerDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerDirectory);
        ContainerDirectory = containerDirectory;
    }

    public string ContainerDirectory { get; }

    public string HostnamePath => Path.Combine(ContainerDirectory, "hostname");

    public string HostsPath => Path.Combine(ContainerDirectory, "hosts");

    public string ResolvConfPath => Path.Combine(ContainerDirectory, "resolv.conf");

    /// <summary>The digest of the resolv.conf last written, to notice a user's edit (moby's resolv.conf.hash).</summary>
    public string ResolvConfHashPath => Path.Combine(ContainerDirectory, "resolv.conf.hash");

    /// <summary>Writes <c>hostname\n</c>.</summary>
    public Task WriteHostnameAsync(string hostname, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        return WriteLockedAsync(HostnamePath, hostname + "\n", cancellationToken);
    }

    /// <summary>Writes /etc/hosts (<see cref="HostsFile.Build"/>), or the host's own file for host networking without ExtraHosts.</summary>
    /// <exception cref="Berth.Sdk.BerthException">An ExtraHosts entry is invalid or needs a host-gateway address the daemon lacks.</exception>
    public async Task WriteHostsAsync(HostsFileOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HostNetwork && options.ExtraHosts.Count == 0)
        {
            var copy = File.Exists(options.HostHostsPath) ? await File.ReadAllBytesAsync(options.HostHostsPath, cancellationToken).ConfigureAwait(false) : [];
            using (await PathLocks.AcquireAsync(HostsPath, cancellationToken).ConfigureAwait(false))
                await ContainerFileWriter.WriteAsync(HostsPath, copy, cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteLockedAsync(HostsPath, HostsFile.Build(options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes /etc/resolv.conf for the container's network (<see cref="ResolvConfBuilder"/>) and records its digest.
    /// A file the user has edited since the last write is left alone (Docker Engine's promise in the file's header).
    /// </summary>
    public async Task<ResolvConfResult> WriteResolvConfAsync(ResolvConfOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (conf, external) = await ResolvConfBuilder.BuildAsync(options, cancellationToken).ConfigureAwait(false);
        var content = Utf8.GetBytes(conf.Generate());
        using (await PathLocks.AcquireAsync(ResolvConfPath, cancellationToken).ConfigureAwait(false))
        {
            if (await ResolvConfUserModifiedAsync(cancellationToken).ConfigureAwait(false)) return new ResolvConfResult(false, external);
            await ContainerFileWriter.WriteAsync(ResolvConfPath, content, cancellationToken).ConfigureAwait(false);
            await Berth.Sdk.Storage.AtomicFile.WriteAllBytesAsync(ResolvConfHashPath, Utf8.GetBytes(Digest(content)), cancellationToken, ContainerFileWriter.Mode).ConfigureAwait(false);
        }
        return new ResolvConfResult(true, external);
    }

    /// <summary>True when resolv.conf no longer has the digest recorded at the last write (false when nothing was recorded).</summary>
    public async Task<bool> ResolvConfUserModifiedAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ResolvConfHashPath) || !File.Exists(ResolvConfPath)) return false;
        var recorded = (await File.ReadAllTextAsync(ResolvConfHashPath, cancellationToken).ConfigureAwait(false)).Trim();
        var current = Digest(await File.ReadAllBytesAsync(ResolvConfPath, cancellationToken).ConfigureAwait(false));
        return !string.Equals(recorded, current, StringComparison.Ordinal);
    }

    /// <summary>Appends records to the container's existing /etc/hosts (moby's etchosts.Add).</summary>
    /// <exception cref="FileNotFoundException">The hosts file has not been written yet.</exception>
    public async Task AddHostsEntriesAsync(IReadOnlyCollection<HostsEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return;
        var lines = string.Concat(entries.Select(entry => entry.ToLine()));
        using (await PathLocks.AcquireAsync(HostsPath, cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(HostsPath)) throw new FileNotFoundException("The container's hosts file does not exist.", HostsPath);
            await ContainerFileWriter.AppendAsync(HostsPath, Utf8.GetBytes(lines), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes records from the container's /etc/hosts (<see cref="HostsFileEdits.Remove"/>).</summary>
    public Task RemoveHostsEntriesAsync(IReadOnlyCollection<HostsEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? Task.CompletedTask : EditHostsAsync(content => HostsFileEdits.Remove(content, entries), cancellationToken);
    }

    /// <summary>Points the lines naming <paramref name="hostname"/> at a new address (a linked container restarted; moby's etchosts.Update).</summary>
    public Task UpdateHostsEntryAsync(string hostname, string address, CancellationToken cancellationToken) =>
        EditHostsAsync(content => HostsFileEdits.Update(content, hostname, address), cancellationToken);

    private async Task EditHostsAsync(Func<string, string> edit, CancellationToken cancellationToken)
    {
        using (await PathLocks.AcquireAsync(HostsPath, cancellationToken).ConfigureAwait(false))
        {
            var content = await File.ReadAllTextAsync(HostsPath, cancellationToken).ConfigureAwait(false);
            var edited = edit(content);
            if (edited != content) await ContainerFileWriter.WriteAsync(HostsPath, Utf8.GetBytes(edited), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteLockedAsync(string path, string content, CancellationToken cancellationToken)
    {
        using (await PathLocks.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
            await ContainerFileWriter.WriteAsync(path, Utf8.GetBytes(content), cancellationToken).ConfigureAwait(false);
    }

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
