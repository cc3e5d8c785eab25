using System.Runtime.InteropServices;

namespace Berth.Sdk.Networking.Namespaces;

/// <summary>The libc calls behind network namespaces: unshare(2), setns(2), mount(2), umount2(2), open(2).</summary>
internal static partial class NamespaceCalls
{
    public const int CloneNewNet = 0x40000000;
    public const ulong MsBind = 4096;
    public const int MntDetach = 2;
    public const int OpenReadOnly = 0;
    public const int OpenCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(SafeHandle fd, int nsType);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string? fileSystemType, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);

    /// <summary>open(2) without the variadic mode argument (only valid without O_CREAT).</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);
}
