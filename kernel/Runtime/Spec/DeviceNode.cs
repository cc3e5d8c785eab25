using System.Text.Json.Nodes;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>A device node of the host as an OCI <c>linux.devices</c> entry (containerd's DeviceFromPath).</summary>
internal sealed record DeviceNode(string Path, string Type, long Major, long Minor, int FileMode, uint Uid, uint Gid)
{
    /// <summary>The node at <paramref name="path"/> (not following a final symlink); null when it is not a device or FIFO.</summary>
    /// <exception cref="IOException">lstat failed (the message is the errno text).</exception>
    public static DeviceNode? FromPath(string path)
    {
        var status = SpecNative.Stat(path, followSymlinks: false);
        var type = status.IsBlockDevice ? "b" : status.IsCharDevice ? "c" : status.IsFifo ? "p" : null;
        return type is null ? null : new DeviceNode(path, type, status.RdevMajor, status.RdevMinor, status.Permissions, status.Uid, status.Gid);
    }

    public JsonObject ToJson() => new()
    {
        ["path"] = Path,
        ["type"] = Type,
        ["major"] = Major,
        ["minor"] = Minor,
        ["fileMode"] = FileMode,
        ["uid"] = Uid,
        ["gid"] = Gid,
    };

    public JsonObject AllowRule(string access) => OciDefaults.Rule(true, Type, Major, Minor, access);

    /// <summary>Every device under /dev, for privileged containers (containerd's HostDevices: no pts, shm, fd, mqueue, console or FIFOs).</summary>
    public static List<DeviceNode> HostDevices(string root = "/dev")
    {
        var devices = new List<DeviceNode>();
        Walk(root, devices);
        return devices;
    }

    private static void Walk(string directory, List<DeviceNode> devices)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            var name = System.IO.Path.GetFileName(entry);
            var info = new FileInfo(entry);
            if (info.Attributes.HasFlag(FileAttributes.Directory) && info.LinkTarget is null)
            {
                if (name is "pts" or "shm" or "fd" or "mqueue" or ".lxc" or ".lxd-mounts" or ".udev") continue;
                Walk(entry, devices);
                continue;
            }
            if (name == "console") continue;
            try
            {
                if (FromPath(entry) is { Type: not "p" } device) devices.Add(device);
            }
            catch (IOException)
            {
            }
        }
    }
}
