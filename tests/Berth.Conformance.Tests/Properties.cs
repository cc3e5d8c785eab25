using System.Runtime.Versioning;

// The overlay plugin and the conformance kit are Linux-only (mounts, overlayfs, uid/gid).
[assembly: SupportedOSPlatform("linux")]
