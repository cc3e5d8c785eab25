namespace Berth.Sdk.Networking.Tests.Support;

/// <summary>Skips a test that creates namespaces, links or mounts unless the run is privileged.</summary>
internal static class Root
{
    public static void Require()
    {
        if (!Environment.IsPrivilegedProcess) Assert.Ignore("needs root (network namespaces, links, mounts)");
    }
}
