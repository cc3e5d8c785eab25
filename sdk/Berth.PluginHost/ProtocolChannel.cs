using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.PluginHost;

/// <summary>
/// Keeps fd 1 for protocol bytes only. The protocol moves to a private duplicate of fd 1, and fd 1 itself is pointed
/// at stderr, so a stray write from the plugin — managed, native code or a child process — lands in the log, never in
/// the pipe to berthd.
/// </summary>
internal static partial class ProtocolChannel
{
    private const int StdoutFd = 1;
    private const int StderrFd = 2;

    public static Stream TakeStdout()
    {
        var saved = Dup(StdoutFd);
        if (saved < 0 || Dup2(StderrFd, StdoutFd) < 0)
            throw new IOException($"cannot set aside stdout for the plugin protocol (errno {Marshal.GetLastPInvokeError()})");
        return new FileStream(new SafeFileHandle(saved, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);
}
