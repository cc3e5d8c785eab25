namespace Berth.Kernel.Volumes;

/// <summary>A volume of the <c>local</c> driver: its data lives in <see cref="Mountpoint"/> (<c>volumes/&lt;name&gt;/_data</c>).</summary>
/// <param name="Options">The driver options it was created with (<c>type</c>, <c>device</c>, <c>o</c>, <c>size</c>); empty for a plain volume.</param>
public sealed record Volume(
    string Name,
    string Mountpoint,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Options)
{
    public string Driver => VolumeNames.LocalDriver;

    public string Scope => "local";

    /// <summary>Created without a name (it carries <c>com.docker.volume.anonymous</c>): what <c>docker volume prune</c> removes by default.</summary>
    public bool IsAnonymous => Labels.ContainsKey(VolumeNames.AnonymousLabel);

    /// <summary>A <c>type</c>/<c>device</c> volume: <c>_data</c> is a mount made at first use and undone after the last.</summary>
    public bool NeedsMount => LocalDriverOptions.NeedsMount(Options);
}
