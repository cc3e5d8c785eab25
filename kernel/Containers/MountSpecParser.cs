using System.Text.Json.Nodes;
using Berth.Kernel.Volumes;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

/// <summary>
/// Reads a create request's mounts — HostConfig.Binds (<c>-v src:dst:opts</c>), HostConfig.Mounts (<c>--mount</c>)
/// and the image's and request's Config.Volumes (anonymous volumes) — into mount points, with Moby's messages.
/// Volumes are named here and created by the caller; nothing touches the disk.
/// </summary>
public static class MountSpecParser
{
    private static readonly HashSet<string> Propagations = ["shared", "rshared", "slave", "rslave", "private", "rprivate"];

    public static List<MountPoint> Parse(JsonObject config, JsonObject host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var result = new List<MountPoint>();
        if (host["Binds"] is JsonArray binds)
            foreach (var bind in binds) Add(result, ParseBind(bind?.GetValue<string>() ?? ""));
        if (host["Mounts"] is JsonArray mounts)
            foreach (var mount in mounts.OfType<JsonObject>()) Add(result, ParseMount(mount));
        if (config["Volumes"] is JsonObject volumes)
        {
            foreach (var (destination, _) in volumes)
            {
                var clean = CleanDestination(destination, "volume");
                if (result.Any(m => m.Destination == clean)) continue;
                result.Add(new MountPoint("volume", null, "", clean, "local", "", true, "") { Anonymous = true });
            }
        }
        return result;
    }

    public static MountPoint ParseBind(string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
            throw BerthException.Invalid($"invalid volume specification: '{spec}'");
        var source = parts[0];
        var type = source.StartsWith('/') ? "bind" : "volume";
        var mode = parts.Length == 3 ? parts[2] : "";
        string destination;
        try
        {
            destination = CleanDestination(parts[1], type);
        }
        catch (BerthException ex)
        {
            throw BerthException.Invalid($"invalid volume specification: '{spec}': {ex.Message}");
        }
        var (rw, propagation) = ParseMode(mode);
        if (type == "bind")
            return new MountPoint("bind", null, CleanSource(source), destination, null, mode, rw, propagation ?? "rprivate");
        VolumeNames.Validate(source);
        if (propagation is not null)
            throw BerthException.Invalid($"invalid volume specification: '{spec}': invalid mount config for type \"volume\": field BindOptions must not be specified");
        // Moby's setBindModeIfNull: a local volume without a mode shows "z".
        return new MountPoint("volume", source, "", destination, "local", mode.Length == 0 ? "z" : mode, rw, "");
    }

    public static MountPoint ParseMount(JsonObject mount)
    {
        var type = mount["Type"]?.GetValue<string>() ?? "";
        var target = mount["Target"]?.GetValue<string>() ?? "";
        var source = mount["Source"]?.GetValue<string>() ?? "";
        var readOnly = mount["ReadOnly"]?.GetValue<bool>() ?? false;
        if (target.Length == 0) throw BerthException.Invalid($"invalid mount config for type \"{type}\": field Target must not be empty");
        var destination = CleanDestination(target, type);
        switch (type)
        {
            case "bind":
                if (source.Length == 0) throw BerthException.Invalid($"invalid mount config for type \"bind\": field Source must not be empty");
                if (!Path.Exists(source)) throw BerthException.Invalid($"invalid mount config for type \"bind\": bind source path does not exist: {source}");
                var propagation = (mount["BindOptions"] as JsonObject)?["Propagation"]?.GetValue<string>();
                if (propagation is { Length: > 0 } && !Propagations.Contains(propagation))
                    throw BerthException.Invalid($"invalid mount config for type \"bind\": invalid propagation mode: {propagation}");
                return new MountPoint("bind", null, CleanSource(source), destination, null, "", !readOnly, string.IsNullOrEmpty(propagation) ? "rprivate" : propagation);
            case "volume":
                if (source.Length > 0) VolumeNames.Validate(source);
                else if (readOnly) throw BerthException.Invalid("invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
                var noCopy = (mount["VolumeOptions"] as JsonObject)?["NoCopy"]?.GetValue<bool>() ?? false;
                return new MountPoint("volume", source.Length > 0 ? source : null, "", destination, "local", "z", !readOnly, "")
                {
                    Anonymous = source.Length == 0,
                    Options = noCopy ? ["nocopy"] : [],
                };
            case "tmpfs":
                if (source.Length > 0) throw BerthException.Invalid("invalid mount config for type \"tmpfs\": field Source must not be specified");
                var options = new List<string>();
                if (mount["TmpfsOptions"] is JsonObject tmpfs)
                {
                    if (tmpfs["SizeBytes"]?.GetValue<long>() is > 0 and var size) options.Add($"size={size}");
                    if (tmpfs["Mode"]?.GetValue<int>() is > 0 and var mode) options.Add($"mode={Convert.ToString(mode, 8)}");
                }
                return new MountPoint("tmpfs", null, "", destination, null, "", !readOnly, "") { Options = options };
            default:
                throw BerthException.Invalid($"invalid mount config for type \"{type}\": mount type unknown");
        }
    }

    private static (bool ReadWrite, string? Propagation) ParseMode(string mode)
    {
        if (mode.Length == 0) return (true, null);
        bool? rw = null;
        string? propagation = null;
        foreach (var option in mode.Split(','))
        {
            switch (option)
            {
                case "ro" when rw is null: rw = false; break;
                case "rw" when rw is null: rw = true; break;
                case "z" or "Z": break;
                case "nocopy": break;
                case "consistent" or "cached" or "delegated": break; // Docker Desktop's consistency modes: accepted, no effect on Linux
                default:
                    if (Propagations.Contains(option) && propagation is null) propagation = option;
                    else throw BerthException.Invalid($"invalid mode: {mode}");
                    break;
            }
        }
        return (rw ?? true, propagation);
    }

    /// <summary>An absolute, clean target other than <c>/</c>; errors read as Moby's errMountConfig.</summary>
    private static string CleanDestination(string destination, string type)
    {
        if (!destination.StartsWith('/'))
            throw BerthException.Invalid($"invalid mount config for type \"{type}\": invalid mount path: '{destination}' mount path must be absolute");
        var clean = Path.GetFullPath(destination);
        if (clean == "/") throw BerthException.Invalid($"invalid mount config for type \"{type}\": invalid specification: destination can't be '/'");
        return clean.TrimEnd('/');
    }

    /// <summary>Go's path.Clean of an absolute source: no "..", no trailing slash.</summary>
    private static string CleanSource(string source)
    {
        var clean = Path.GetFullPath(source);
        return clean.Length > 1 ? clean.TrimEnd('/') : clean;
    }

    private static void Add(List<MountPoint> mounts, MountPoint mount)
    {
        if (mounts.Any(m => m.Destination == mount.Destination)) throw BerthException.Invalid($"Duplicate mount point: {mount.Destination}");
        mounts.Add(mount);
    }
}
