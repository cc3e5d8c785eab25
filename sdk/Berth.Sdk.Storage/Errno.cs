using System.Runtime.InteropServices;

namespace Berth.Sdk.Storage;

/// <summary>The Linux errno values the storage code tells apart, and the exceptions made from them.</summary>
internal static class Errno
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int ENOSPC = 28;
    public const int ERANGE = 34;
    public const int ENOSYS = 38;
    public const int ENODATA = 61;
    public const int ENOTSUP = 95; // == EOPNOTSUPP on Linux
    public const int EDQUOT = 122;

    /// <summary>An IOException saying what failed, on which path and why (strerror); HResult is the errno.</summary>
    public static IOException ToException(string operation, string path, int errno) =>
        new($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    /// <summary>True for a full disk or an exhausted quota, from our own calls or from .NET's file APIs (whose HResult is the errno on Unix).</summary>
    public static bool IsNoSpace(IOException exception) =>
        exception.HResult is ENOSPC or EDQUOT || exception.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase);
}
