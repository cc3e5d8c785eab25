namespace Berth.Kernel.Volumes;

/// <summary>
/// A local volume's <c>o</c> option split into mount(2) flags and file-system data exactly as moby/sys/mount's
/// <c>parseOptions</c> does: known words (<c>ro</c>, <c>nosuid</c>, <c>bind</c>, <c>rprivate</c>…) set or clear flags,
/// anything else (<c>size=100m</c>, <c>uid=1000</c>, and <c>defaults</c>, whose flag is zero) is passed on as data.
/// It differs from the storage SDK's containerd-style parser in those two points, which is why volumes keep their own.
/// </summary>
internal readonly record struct VolumeMountOptions(ulong Flags, string Data)
{
    public const ulong ReadOnly = 0x1;
    public const ulong NoSuid = 0x2;
    public const ulong NoDev = 0x4;
    public const ulong NoExec = 0x8;
    public const ulong Synchronous = 0x10;
    public const ulong Remount = 0x20;
    public const ulong MandatoryLock = 0x40;
    public const ulong DirSync = 0x80;
    public const ulong NoAtime = 0x400;
    public const ulong NoDirAtime = 0x800;
    public const ulong Bind = 0x1000;
    public const ulong Recursive = 0x4000;
    public const ulong Silent = 0x8000;
    public const ulong Unbindable = 1 << 17;
    public const ulong Private = 1 << 18;
    public const ulong Slave = 1 << 19;
    public const ulong Shared = 1 << 20;
    public const ulong RelAtime = 1 << 21;
    public const ulong StrictAtime = 1 << 24;

    /// <summary>The propagation types: they take a call of their own after the mount.</summary>
    public const ulong PropagationTypes = Shared | Private | Slave | Unbindable;

    private static readonly Dictionary<string, (bool Clear, ulong Flag)> Known = new(StringComparer.Ordinal)
    {
        ["defaults"] = (false, 0),
        ["ro"] = (false, ReadOnly),
        ["rw"] = (true, ReadOnly),
        ["suid"] = (true, NoSuid),
        ["nosuid"] = (false, NoSuid),
        ["dev"] = (true, NoDev),
        ["nodev"] = (false, NoDev),
        ["exec"] = (true, NoExec),
        ["noexec"] = (false, NoExec),
        ["sync"] = (false, Synchronous),
        ["async"] = (true, Synchronous),
        ["dirsync"] = (false, DirSync),
        ["remount"] = (false, Remount),
        ["mand"] = (false, MandatoryLock),
        ["nomand"] = (true, MandatoryLock),
        ["atime"] = (true, NoAtime),
        ["noatime"] = (false, NoAtime),
        ["diratime"] = (true, NoDirAtime),
        ["nodiratime"] = (false, NoDirAtime),
        ["bind"] = (false, Bind),
        ["rbind"] = (false, Bind | Recursive),
        ["unbindable"] = (false, Unbindable),
        ["runbindable"] = (false, Unbindable | Recursive),
        ["private"] = (false, Private),
        ["rprivate"] = (false, Private | Recursive),
        ["shared"] = (false, Shared),
        ["rshared"] = (false, Shared | Recursive),
        ["slave"] = (false, Slave),
        ["rslave"] = (false, Slave | Recursive),
        ["relatime"] = (false, RelAtime),
        ["norelatime"] = (true, RelAtime),
        ["strictatime"] = (false, StrictAtime),
        ["nostrictatime"] = (true, StrictAtime),
    };

    public static VolumeMountOptions Parse(string options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ulong flags = 0;
        var data = new List<string>();
        foreach (var option in options.Split(','))
        {
            if (Known.TryGetValue(option, out var known) && known.Flag != 0)
                flags = known.Clear ? flags & ~known.Flag : flags | known.Flag;
            else
                data.Add(option);
        }
        return new VolumeMountOptions(flags, string.Join(',', data));
    }
}
