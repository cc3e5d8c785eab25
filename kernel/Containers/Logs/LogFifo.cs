using Berth.Kernel.Runtime.Native;
using Microsoft.Win32.SafeHandles;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// The FIFO a log plugin drains (Docker's log-plugin protocol). berthd opens it read-write, so opening never blocks
/// and a dead plugin never causes EPIPE: frames wait in the pipe (grown to 1 MiB) until the plugin is back.
/// </summary>
public sealed class LogFifo : IDisposable
{
    private const int PipeSize = 1 << 20;

    private LogFifo(string path, FileStream stream)
    {
        Path = path;
        Stream = stream;
    }

    public string Path { get; }
    public FileStream Stream { get; }

    public static LogFifo Open(string path)
    {
        if (!File.Exists(path) && LibC.MkFifo(path, 0x180) != 0 && LibC.LastErrno != 17)
            throw new IOException($"mkfifo {path}: {LibC.Describe(LibC.LastErrno)}");
        var fd = LibC.Open(path, LibC.ORdwr | LibC.OCloexec, 0);
        if (fd < 0) throw new IOException($"open {path}: {LibC.Describe(LibC.LastErrno)}");
        _ = LibC.Fcntl(fd, LibC.FSetPipeSize, PipeSize); // best effort: pipe-max-size may be lower
        return new LogFifo(path, new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0));
    }

    /// <summary>Bytes written but not yet read by the plugin.</summary>
    public unsafe int Unread
    {
        get
        {
            int count = 0;
            return LibC.Ioctl((int)Stream.SafeFileHandle.DangerousGetHandle(), LibC.FionRead, &count) == 0 ? count : -1;
        }
    }

    public void Dispose() => Stream.Dispose();

    public void Delete()
    {
        Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
