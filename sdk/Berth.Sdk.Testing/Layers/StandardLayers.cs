namespace Berth.Sdk.Testing;

/// <summary>The layers the conformance tests stack: each exercises one part of the OCI layer format.</summary>
public static class StandardLayers
{
    /// <summary>Layer 1: directories, files with modes and owners, setuid, sticky, symlinks, a hard link, devices.</summary>
    public static LayerTarBuilder Base() => new LayerTarBuilder()
        .Directory("bin")
        .File("bin/tool", "#!/bin/sh\necho tool\n", FileModes.Octal("4755"))
        .HardLink("bin/tool-link", "bin/tool")
        .Directory("etc")
        .File("etc/hostname", "layer1")
        .File("etc/hosts", "hosts from layer 1")
        .File("etc/gone", "deleted by layer 2")
        .Symlink("etc/link", "hostname")
        .Symlink("abs-link", "/etc/hostname")
        .Directory("data", FileModes.Octal("700"), uid: 1000, gid: 1000)
        .File("data/secret", "s3cret", FileModes.Octal("600"), uid: 1000, gid: 1001)
        .Directory("tmp", FileModes.Octal("1777"))
        .Directory("keep")
        .Directory("keep/deep")
        .File("keep/deep/file", "deleted with its directory by layer 2")
        .Directory("opaque")
        .File("opaque/old", "hidden by layer 3")
        .Directory("opaque/sub")
        .File("opaque/sub/older", "hidden by layer 3")
        .Directory("dev")
        .CharDevice("dev/null", 1, 3)
        .Directory("run")
        .Fifo("run/pipe", FileModes.Octal("600"));

    /// <summary>Layer 2: a file and a directory whited out, a file replaced with new metadata, a file added.</summary>
    public static LayerTarBuilder Deletions() => new LayerTarBuilder()
        .Directory("etc")
        .Whiteout("etc/gone")
        .File("etc/hosts", "hosts from layer 2", FileModes.Octal("640"), gid: 42)
        .File("etc/added-in-2", "new in layer 2")
        .Whiteout("keep");

    /// <summary>Layer 3: the directory <c>opaque</c> made opaque, with one new file.</summary>
    public static LayerTarBuilder Opaque() => new LayerTarBuilder()
        .Directory("opaque")
        .OpaqueDir("opaque")
        .File("opaque/new", "only this is visible");
}
