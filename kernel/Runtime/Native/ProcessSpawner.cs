using System.Runtime.InteropServices;
using System.Text;

namespace Berth.Kernel.Runtime.Native;

/// <summary>
/// Starts a program with posix_spawn, handing it chosen descriptors as fds 3, 4, 5… (what conmon reads its sync,
/// attach and start pipes from) — which .NET's Process cannot do. Signal dispositions are reset to their defaults
/// (.NET ignores SIGPIPE, and an ignored signal would otherwise survive into the container's processes).
/// </summary>
internal static class ProcessSpawner
{
    private const int StructSpace = 512; // posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on glibc x86_64/arm64

    /// <summary>Spawns <paramref name="path"/>; stdin/stdout are /dev/null, stderr goes to <paramref name="stderrFd"/>.</summary>
    /// <returns>The child's pid; the caller reaps it.</returns>
    public static unsafe int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string> environment, int stderrFd, IReadOnlyList<int> passFds)
    {
        var devNull = LibC.Open("/dev/null", LibC.ORdwr | LibC.OCloexec, 0);
        if (devNull < 0) throw new IOException($"open /dev/null: {LibC.Describe(LibC.LastErrno)}");
        var actions = NativeMemory.AllocZeroed(StructSpace);
        var attributes = NativeMemory.AllocZeroed(StructSpace);
        var strings = new List<nint>();
        try
        {
            LibC.FileActionsInit(actions);
            LibC.AttrInit(attributes);
            LibC.FileActionsAddDup2(actions, devNull, 0);
            LibC.FileActionsAddDup2(actions, devNull, 1);
            LibC.FileActionsAddDup2(actions, stderrFd < 0 ? devNull : stderrFd, 2);
            for (var i = 0; i < passFds.Count; i++) LibC.FileActionsAddDup2(actions, passFds[i], 3 + i);

            var empty = stackalloc byte[128];
            var defaults = stackalloc byte[128];
            new Span<byte>(empty, 128).Clear();
            new Span<byte>(defaults, 128).Clear();
            for (var signal = 1; signal <= 31; signal++)
            {
                if (signal is 9 or 19) continue; // SIGKILL, SIGSTOP cannot be reset
                defaults[(signal - 1) / 8] |= (byte)(1 << ((signal - 1) % 8));
            }
            LibC.AttrSetSigMask(attributes, empty);
            LibC.AttrSetSigDefault(attributes, defaults);
            LibC.AttrSetFlags(attributes, LibC.PosixSpawnSetSigMask | LibC.PosixSpawnSetSigDef);

            var argv = (byte**)NativeMemory.Alloc((nuint)((args.Count + 2) * sizeof(nint)));
            var envp = (byte**)NativeMemory.Alloc((nuint)((environment.Count + 1) * sizeof(nint)));
            strings.Add((nint)argv);
            strings.Add((nint)envp);
            argv[0] = Utf8(path, strings);
            for (var i = 0; i < args.Count; i++) argv[i + 1] = Utf8(args[i], strings);
            argv[args.Count + 1] = null;
            for (var i = 0; i < environment.Count; i++) envp[i] = Utf8(environment[i], strings);
            envp[environment.Count] = null;

            int pid;
            var rc = LibC.PosixSpawn(&pid, argv[0], actions, attributes, argv, envp);
            if (rc != 0) throw new IOException($"spawn {path}: {LibC.Describe(rc)}");
            return pid;
        }
        finally
        {
            LibC.FileActionsDestroy(actions);
            LibC.AttrDestroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            foreach (var s in strings) NativeMemory.Free((void*)s);
            LibC.Close(devNull);
        }
    }

    /// <summary>Waits for a child to end without blocking a thread-pool thread for long: polls with WNOHANG.</summary>
    public static async Task<int> ReapAsync(int pid, CancellationToken cancellationToken)
    {
        var delay = 1;
        while (true)
        {
            var code = TryReap(pid);
            if (code is not null) return code.Value;
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <returns>The exit code (128+signal when killed), -1 when the child is not ours, null while it runs.</returns>
    private static unsafe int? TryReap(int pid)
    {
        int status;
        var rc = LibC.WaitPid(pid, &status, LibC.WNoHang);
        if (rc == pid) return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        if (rc < 0 && LibC.LastErrno != LibC.EIntr) return -1;
        return null;
    }

    private static unsafe byte* Utf8(string value, List<nint> owned)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var buffer = (byte*)NativeMemory.Alloc((nuint)count + 1);
        owned.Add((nint)buffer);
        Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, count));
        buffer[count] = 0;
        return buffer;
    }
}
