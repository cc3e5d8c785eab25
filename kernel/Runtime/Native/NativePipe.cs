namespace Berth.Kernel.Runtime.Native;

/// <summary>An anonymous pipe as two raw descriptors, both close-on-exec (a spawned child gets one by dup2 only).</summary>
internal sealed unsafe class NativePipe : IDisposable
{
    public int ReadFd { get; private set; } = -1;
    public int WriteFd { get; private set; } = -1;

    public NativePipe()
    {
        var fds = stackalloc int[2];
        if (LibC.Pipe2(fds, LibC.OCloexec) != 0) throw new IOException($"pipe2: {LibC.Describe(LibC.LastErrno)}");
        ReadFd = fds[0];
        WriteFd = fds[1];
    }

    /// <summary>Gives up the read end: the caller now owns it (e.g. wraps it in a stream).</summary>
    public int TakeRead()
    {
        var fd = ReadFd;
        ReadFd = -1;
        return fd;
    }

    public void CloseWrite()
    {
        if (WriteFd >= 0) LibC.Close(WriteFd);
        WriteFd = -1;
    }

    public void CloseRead()
    {
        if (ReadFd >= 0) LibC.Close(ReadFd);
        ReadFd = -1;
    }

    public void Dispose()
    {
        CloseRead();
        CloseWrite();
    }
}
