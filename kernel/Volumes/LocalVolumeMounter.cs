using System.Globalization;
using System.Runtime.InteropServices;
using Berth.Sdk;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Volumes;

/// <summary>
/// Mounts a <c>type</c>/<c>device</c> volume on its <c>_data</c> and takes it down, as moby's local driver does through
/// moby/sys/mount: the mount itself, a propagation change if <c>o</c> names one, and a read-only remount for <c>bind,ro</c>
/// (a bind mount ignores MS_RDONLY on its first call). Unmounting is lazy, and "not mounted" is not an error.
/// </summary>
internal static class LocalVolumeMounter
{
    private const int EINVAL = 22;
    private const ulong PropagationChangeFlags = VolumeMountOptions.PropagationTypes | VolumeMountOptions.Recursive | VolumeMountOptions.Silent;
    private const ulong BindReadOnly = VolumeMountOptions.Bind | VolumeMountOptions.ReadOnly;

    /// <exception cref="BerthException">System error <c>failed to mount local volume: …</c> (any password in <c>o</c> masked).</exception>
    public static void Mount(IReadOnlyDictionary<string, string> options, string target)
    {
        var device = options.GetValueOrDefault(LocalDriverOptions.Device, "");
        var type = options.GetValueOrDefault(LocalDriverOptions.Type, "");
        var raw = options.GetValueOrDefault(LocalDriverOptions.MountOptions, "");
        if (device.Length == 0) throw new BerthException("missing device in volume options");
        var (flags, data) = VolumeMountOptions.Parse(raw);
        var plain = flags & ~VolumeMountOptions.PropagationTypes;
        try
        {
            var remount = (flags & VolumeMountOptions.Remount) != 0 || device is "" or "none";
            if (!remount || data.Length > 0) Call("mount", device, target, type, plain, data);
            if ((flags & VolumeMountOptions.PropagationTypes) != 0) Call("remount", "", target, "", flags & PropagationChangeFlags, "");
            if ((plain & BindReadOnly) == BindReadOnly) Call("remount-ro", "", target, "", plain | VolumeMountOptions.Remount, "");
        }
        catch (IOException ex)
        {
            throw new BerthException($"failed to mount local volume: {MaskPassword(ex.Message, raw)}", ex);
        }
    }

    /// <exception cref="BerthException">System error when the unmount failed and <paramref name="target"/> is still a mount point.</exception>
    public static void Unmount(string target)
    {
        try
        {
            Posix.Unmount(target, detach: true);
        }
        catch (IOException ex) when (ex.HResult == EINVAL)
        {
            // Not a mount point: nothing to undo.
        }
        catch (IOException ex)
        {
            if (Mountinfo.IsMountPoint(target)) throw new BerthException($"error while unmounting volume path '{target}': {ex.Message}", ex);
        }
    }

    /// <summary>One mount(2) call; a failure reads as moby's mountError (<c>mount src:target, flags: 0x…, data: …: reason</c>).</summary>
    private static void Call(string operation, string source, string target, string type, ulong flags, string data)
    {
        try
        {
            Posix.Mount(source, target, type, flags, data.Length == 0 ? null : data);
        }
        catch (IOException ex)
        {
            var text = operation + " " + (source.Length > 0 ? source + ":" + target : target);
            if (flags != 0) text += ", flags: 0x" + flags.ToString("x", CultureInfo.InvariantCulture);
            if (data.Length > 0) text += ", data: " + data;
            throw new IOException($"{text}: {Marshal.GetPInvokeErrorMessage(ex.HResult).ToLowerInvariant()}", ex.HResult);
        }
    }

    private static string MaskPassword(string message, string options)
    {
        var password = options.Split(',').FirstOrDefault(o => o.StartsWith("password=", StringComparison.Ordinal));
        return password is null || password.Length == "password=".Length ? message : message.Replace(password, "password=********", StringComparison.Ordinal);
    }
}
