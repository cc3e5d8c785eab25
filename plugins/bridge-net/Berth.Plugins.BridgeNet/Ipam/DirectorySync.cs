using System.Runtime.InteropServices;

namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>
/// fsync of a directory, which makes a rename in it durable. .NET refuses to open a directory as a file, so this goes
/// to libc; it is best effort (a filesystem that cannot sync a directory still renames atomically).
/// </summary>
internal static class DirectorySync
{
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    public static void Sync(string directory)
    {
        var fd = Open(directory, OpenReadOnly | OpenCloseOnExec);
        if (fd < 0) return;
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
