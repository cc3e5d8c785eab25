namespace Berth.Sdk.Testing;

/// <summary>Tests that mount, chown or make device nodes need root; elsewhere they are ignored, not failed.</summary>
public static class Privileges
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Ends the current test as ignored ("needs root") unless the process runs as root.</summary>
    public static void RequireRoot()
    {
        if (!IsRoot) Assert.Ignore("needs root");
    }
}
