using System.Runtime.InteropServices;
using Berth.Sdk.Networking.Netlink;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Networking.Namespaces;

/// <summary>
/// Persistent network namespaces, as <c>ip netns add</c> makes them: a new namespace kept alive by a bind mount of
/// its nsfs file onto an empty file, so it outlives every process in it. Work inside one runs on a dedicated thread
/// (setns changes only the calling thread, which therefore must not be a thread-pool thread); a netlink socket
/// opened inside one stays bound to it. All of it needs CAP_SYS_ADMIN.
/// </summary>
public static class NetworkNamespace
{
    private const string ThreadNamespace = "/proc/thread-self/ns/net";
    private const string ThreadName = "berth-netns";

    /// <summary>
    /// Creates a new, empty network namespace (only a down loopback) and pins it at <paramref name="path"/>, an
    /// empty file created here; the directory must exist and the file must not.
    /// </summary>
    /// <exception cref="IOException">The file exists, or unshare or the bind mount failed (the file is removed again).</exception>
    public static void CreatePersistent(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        File.Open(path, FileMode.CreateNew, FileAccess.Write).Dispose();
        try
        {
            DedicatedThread.Run(ThreadName, () =>
            {
                using var original = OpenCurrent();
                if (NamespaceCalls.Unshare(NamespaceCalls.CloneNewNet) != 0) throw Errno.LastError("unshare(CLONE_NEWNET)");
                try
                {
                    if (NamespaceCalls.Mount(ThreadNamespace, path, null, NamespaceCalls.MsBind, null) != 0)
                        throw Errno.LastError($"bind-mount a new network namespace onto {path}");
                }
                finally
                {
                    // The thread ends right after, so a failure to go back harms nothing.
                    _ = NamespaceCalls.SetNs(original, NamespaceCalls.CloneNewNet);
                }
                return 0;
            });
        }
        catch
        {
            TryDeleteFile(path);
            throw;
        }
    }

    /// <summary>
    /// Unpins the namespace at <paramref name="path"/> (lazy unmount) and removes the file. The namespace, and every
    /// link in it, goes away once nothing else (a process, an open descriptor or socket) holds it. Nothing happens
    /// when the file is missing.
    /// </summary>
    public static void Delete(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        if (NamespaceCalls.Umount2(path, NamespaceCalls.MntDetach) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // EINVAL: not a mount point (already unmounted); ENOENT: no such file.
            if (errno is not (Errno.EINVAL or Errno.ENOENT)) throw Errno.ToException($"umount network namespace {path}", errno);
        }
        TryDeleteFile(path, throwOnError: true);
    }

    /// <summary>Opens the namespace at <paramref name="path"/>, for <see cref="RtNetlink.MoveToNamespace(int, SafeHandle)"/> and setns.</summary>
    public static SafeFileHandle Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fd = NamespaceCalls.Open(path, NamespaceCalls.OpenReadOnly | NamespaceCalls.OpenCloseOnExec);
        if (fd < 0) throw Errno.LastError($"open network namespace {path}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace at <paramref name="path"/>, on a dedicated thread, and returns its result.</summary>
    public static T Run<T>(string path, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var target = Open(path);
        return DedicatedThread.Run(ThreadName, () => Inside(target, path, action));
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace at <paramref name="path"/>, on a dedicated thread.</summary>
    public static void Run(string path, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run(path, () =>
        {
            action();
            return 0;
        });
    }

    /// <summary>
    /// Runs <paramref name="action"/> inside the namespace at <paramref name="path"/> on a dedicated thread; the
    /// caller's thread is free meanwhile. The namespace is opened before this returns (a missing one throws here).
    /// </summary>
    public static Task<T> RunAsync<T>(string path, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var target = Open(path);
        return DedicatedThread.RunAsync(ThreadName, () =>
        {
            using (target) return Inside(target, path, action);
        });
    }

    /// <summary>
    /// A NETLINK_ROUTE socket created inside the namespace at <paramref name="path"/>: it manages that namespace's
    /// links, addresses and routes from any thread. It also keeps the namespace alive until disposed.
    /// </summary>
    public static RtNetlink OpenNetlink(string path) => Run(path, () => new RtNetlink());

    private static T Inside<T>(SafeFileHandle target, string path, Func<T> action)
    {
        using var original = OpenCurrent();
        if (NamespaceCalls.SetNs(target, NamespaceCalls.CloneNewNet) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var hint = errno == Errno.EINVAL ? " (is it a network namespace?)" : "";
            throw Errno.ToException($"setns {path}{hint}", errno);
        }
        try
        {
            return action();
        }
        finally
        {
            // The thread ends right after, so a failure to go back harms nothing.
            _ = NamespaceCalls.SetNs(original, NamespaceCalls.CloneNewNet);
        }
    }

    private static SafeFileHandle OpenCurrent() => Open(ThreadNamespace);

    private static void TryDeleteFile(string path, bool throwOnError = false)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException) when (!throwOnError)
        {
        }
        catch (UnauthorizedAccessException) when (!throwOnError)
        {
        }
    }
}
