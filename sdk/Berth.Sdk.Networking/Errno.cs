using System.Runtime.InteropServices;

namespace Berth.Sdk.Networking;

/// <summary>The Linux errno values the networking code tells apart, their symbolic names and their strerror text.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ERANGE = 34;
    public const int EOPNOTSUPP = 95;
    public const int EADDRNOTAVAIL = 99;
    public const int ENETUNREACH = 101;
    public const int ESRCH = 3;

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR", [5] = "EIO", [6] = "ENXIO",
        [9] = "EBADF", [EAGAIN] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [EBUSY] = "EBUSY",
        [EEXIST] = "EEXIST", [18] = "EXDEV", [ENODEV] = "ENODEV", [20] = "ENOTDIR", [EINVAL] = "EINVAL",
        [23] = "ENFILE", [24] = "EMFILE", [28] = "ENOSPC", [ERANGE] = "ERANGE", [38] = "ENOSYS", [39] = "ENOTEMPTY",
        [61] = "ENODATA", [71] = "EPROTO", [75] = "EOVERFLOW", [90] = "EMSGSIZE", [93] = "EPROTONOSUPPORT",
        [EOPNOTSUPP] = "EOPNOTSUPP", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE", [EADDRNOTAVAIL] = "EADDRNOTAVAIL",
        [100] = "ENETDOWN", [ENETUNREACH] = "ENETUNREACH", [105] = "ENOBUFS", [110] = "ETIMEDOUT", [113] = "EHOSTUNREACH",
    };

    /// <summary>The symbolic name (<c>EEXIST</c>), or <c>errno N</c> for one this table does not know.</summary>
    public static string Name(int errno) => Names.TryGetValue(errno, out var name) ? name : $"errno {errno}";

    /// <summary><c>File exists (EEXIST)</c>: the strerror text and the symbolic name.</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} ({Name(errno)})";

    /// <summary>An IOException saying what failed and why; HResult is the errno.</summary>
    public static IOException ToException(string what, int errno) => new($"{what}: {Describe(errno)}", errno);

    /// <summary>An IOException for the errno the last P/Invoke call left behind.</summary>
    public static IOException LastError(string what) => ToException(what, Marshal.GetLastPInvokeError());
}
