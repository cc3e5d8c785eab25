namespace Berth.Sdk.Testing;

/// <summary>File-system calls .NET lacks, for tests that change a mounted tree: chown, hard links, fifos.</summary>
public static class FileOps
{
    /// <summary>Changes the owner of <paramref name="path"/> without following a final symlink.</summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (LibC.Lchown(path, (uint)uid, (uint)gid) != 0) throw new IOException($"lchown {path}: {LibC.LastError()}");
    }

    public static void HardLink(string existing, string created)
    {
        if (LibC.Link(existing, created) != 0) throw new IOException($"link {existing} {created}: {LibC.LastError()}");
    }

    public static void Fifo(string path, int mode)
    {
        if (LibC.Mkfifo(path, (uint)mode) != 0) throw new IOException($"mkfifo {path}: {LibC.LastError()}");
    }
}
