namespace Berth.Sdk.Testing;

/// <summary>
/// One path of a <see cref="TreeSnapshot"/>, with what a layer must reproduce. Two trees are the same when their entries
/// are equal (records compare by value).
/// </summary>
/// <param name="Path">Relative to the tree's root, <c>/</c>-separated, no leading slash.</param>
/// <param name="Mode">Permission bits including setuid, setgid and sticky (<c>07777</c>).</param>
/// <param name="Size">Bytes of a regular file or symlink; 0 for the rest (directory sizes depend on the file system).</param>
/// <param name="Sha256">Hex sha256 of a regular file's content.</param>
/// <param name="LinkTarget">A symlink's target, as stored.</param>
/// <param name="Device">A device node's <c>major:minor</c>.</param>
/// <param name="HardLinkGroup">For a file with several links: the first path (ordinal order) in this tree sharing its inode.</param>
public sealed record TreeEntry(
    string Path,
    TreeEntryType Type,
    int Mode,
    long Uid,
    long Gid,
    long Size,
    string? Sha256,
    string? LinkTarget,
    string? Device,
    string? HardLinkGroup)
{
    public override string ToString() =>
        $"{Path} {Type} mode={Convert.ToString(Mode, 8)} uid={Uid} gid={Gid} size={Size}" +
        (Sha256 is null ? "" : $" sha256={Sha256[..12]}") +
        (LinkTarget is null ? "" : $" -> {LinkTarget}") +
        (Device is null ? "" : $" dev={Device}") +
        (HardLinkGroup is null ? "" : $" link={HardLinkGroup}");
}
