using System.Runtime.InteropServices;

namespace Berth.Sdk.Storage.Mounts;

/// <summary>mount(2) and umount2(2) with the errno text the mount helpers put in their messages.</summary>
internal static partial class MountCalls
{
    public const int MntDetach = 2;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string? filesystemType, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);

    public static string LastError()
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }
}
