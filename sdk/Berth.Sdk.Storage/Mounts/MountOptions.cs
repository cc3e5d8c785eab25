namespace Berth.Sdk.Storage.Mounts;

/// <summary>
/// Splits an fstab-style option list into mount(2) flags and the file-system data string, as containerd's
/// <c>mount.parseMountOptions</c> does (<c>ro</c>, <c>rbind</c>, <c>nosuid</c>… are flags; <c>lowerdir=…</c> is data).
/// </summary>
internal sealed record MountOptions(ulong Flags, string? Data)
{
    public const ulong ReadOnly = 1;
    public const ulong NoSuid = 2;
    public const ulong NoDev = 4;
    public const ulong NoExec = 8;
    public const ulong Synchronous = 16;
    public const ulong Remount = 32;
    public const ulong Mandlock = 64;
    public const ulong DirSync = 128;
    public const ulong NoAtime = 1024;
    public const ulong NoDirAtime = 2048;
    public const ulong Bind = 4096;
    public const ulong Recursive = 16384;
    public const ulong RelAtime = 1 << 21;
    public const ulong StrictAtime = 1 << 24;

    /// <summary>Flags that a bind mount takes only through a second, remounting call.</summary>
    public const ulong BindRemountFlags = ReadOnly | NoSuid | NoDev | NoExec | Synchronous | DirSync | NoAtime | NoDirAtime | RelAtime | StrictAtime;

    private static readonly Dictionary<string, (bool Clear, ulong Flag)> Known = new(StringComparer.Ordinal)
    {
        ["async"] = (true, Synchronous),
        ["atime"] = (true, NoAtime),
        ["bind"] = (false, Bind),
        ["defaults"] = (false, 0),
        ["dev"] = (true, NoDev),
        ["diratime"] = (true, NoDirAtime),
        ["dirsync"] = (false, DirSync),
        ["exec"] = (true, NoExec),
        ["mand"] = (false, Mandlock),
        ["noatime"] = (false, NoAtime),
        ["nodev"] = (false, NoDev),
        ["nodiratime"] = (false, NoDirAtime),
        ["noexec"] = (false, NoExec),
        ["nomand"] = (true, Mandlock),
        ["norelatime"] = (true, RelAtime),
        ["nostrictatime"] = (true, StrictAtime),
        ["nosuid"] = (false, NoSuid),
        ["rbind"] = (false, Bind | Recursive),
        ["relatime"] = (false, RelAtime),
        ["remount"] = (false, Remount),
        ["ro"] = (false, ReadOnly),
        ["rw"] = (true, ReadOnly),
        ["strictatime"] = (false, StrictAtime),
        ["suid"] = (true, NoSuid),
        ["sync"] = (false, Synchronous),
    };

    public bool IsBind => (Flags & Bind) != 0;

    public static MountOptions Parse(IEnumerable<string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ulong flags = 0;
        var data = new List<string>();
        foreach (var option in options)
        {
            if (Known.TryGetValue(option, out var known))
                flags = known.Clear ? flags & ~known.Flag : flags | known.Flag;
            else
                data.Add(option);
        }
        return new MountOptions(flags, data.Count == 0 ? null : string.Join(',', data));
    }
}
