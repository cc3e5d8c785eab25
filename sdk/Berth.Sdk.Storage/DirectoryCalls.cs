using System.Runtime.InteropServices;

namespace Berth.Sdk.Storage;

/// <summary>libc calls to fsync a directory.</summary>
internal static partial class DirectoryCalls
{
    public const int OpenReadOnly = 0;
    public const int OpenDirectory = 0x10000;
    public const int OpenCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
