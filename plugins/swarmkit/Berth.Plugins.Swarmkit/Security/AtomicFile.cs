namespace Berth.Plugins.Swarmkit.Security;

/// <summary>Replaces a file all at once: a temporary sibling is written, synced to disk, then renamed over the target.</summary>
internal static class AtomicFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode WorldReadable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode PrivateDirectory = OwnerOnly | UnixFileMode.UserExecute;

    public static void WriteAllText(string path, string text, UnixFileMode mode) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        CreatePrivateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = mode;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void CreatePrivateDirectory(string directory)
    {
        if (Directory.Exists(directory))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, PrivateDirectory);
    }
}
