using System.Runtime.Versioning;

// Mounts, overlayfs, uid/gid and device nodes: the kit checks Linux storage drivers and runs only there.
[assembly: SupportedOSPlatform("linux")]
