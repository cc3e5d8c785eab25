using System.Formats.Tar;
using Berth.Kernel.Images;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Containers.Archive;

/// <summary>
/// <c>docker diff</c>: the container layer's tar (from the storage plugin) read back into A/C/D entries — C when
/// the path exists in the image, A when it does not, D for whiteouts. Mount points the runtime creates (Moby keeps
/// them in a separate init layer) are left out, as Moby's output has none of them.
/// </summary>
public sealed class ContainerChanges(ImageSubsystem imageSubsystem, ImageService images)
{
    public const int Modified = 0;
    public const int Added = 1;
    public const int Deleted = 2;

    private static readonly HashSet<string> InitLayerPaths =
        ["/dev", "/dev/pts", "/dev/shm", "/dev/console", "/proc", "/sys", "/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab", "/.dockerenv"];

    public async Task<IReadOnlyList<(string Path, int Kind)>> ListAsync(Container container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var temp = Path.Combine(Path.GetTempPath(), $"berth-diff-{Guid.NewGuid():N}");
        var tarPath = temp + ".tar";
        var viewKey = "diff-" + Guid.NewGuid().ToString("N");
        var image = images.Resolve(container.ImageId);
        var parent = image.ChainIds.Count > 0 ? image.ChainIds[^1] : null;
        MountedTree? view = null;
        try
        {
            await imageSubsystem.Snapshotter.WriteDiffAsync(container.Id, tarPath, cancellationToken).ConfigureAwait(false);
            if (parent is not null)
            {
                var mounts = await imageSubsystem.Snapshotter.ViewAsync(viewKey, parent, null, cancellationToken).ConfigureAwait(false);
                view = MountHelper.Mount(mounts, temp);
            }
            var changes = new List<(string, int)>();
            await using var file = File.OpenRead(tarPath);
            await using var reader = new TarReader(file);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var relative = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name.TrimStart('/');
                var name = "/" + relative.TrimEnd('/');
                var leaf = Path.GetFileName(name);
                if (leaf == ".wh..wh..opq") continue;
                if (leaf.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    changes.Add((Path.GetDirectoryName(name)!.TrimEnd('/') + "/" + leaf[4..], Deleted));
                    continue;
                }
                if (name == "/" || InitLayerPaths.Contains(name)) continue;
                changes.Add((name, InImage(temp, parent, name) ? Modified : Added));
            }
            return changes;
        }
        finally
        {
            view?.Dispose();
            if (parent is not null) await IgnoreAsync(() => imageSubsystem.Snapshotter.RemoveAsync(viewKey, CancellationToken.None)).ConfigureAwait(false);
            File.Delete(tarPath);
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: false);
        }
    }

    private static bool InImage(string viewRoot, string? parent, string path) => parent is not null && Posix.TryLStat(viewRoot + path, out _);

    private static async Task IgnoreAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Sdk.BerthException or IOException)
        {
        }
    }
}
