using System.Runtime.InteropServices;

namespace Berth.Kernel.Listeners;

internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Chown(string path, int owner, int group);
}
