namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>The programs the namespace tests run, found on PATH.</summary>
internal static class Tools
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Skips the test unless it runs as root with nsenter and iptables installed.</summary>
    public static void RequireRootAndIptables()
    {
        if (!Environment.IsPrivilegedProcess) Assert.Ignore("needs root (network namespaces, links, iptables)");
        if (Find("nsenter") is null) Assert.Ignore("needs nsenter");
        if (Find("iptables") is null) Assert.Ignore("needs iptables");
    }

    /// <summary>ping's command line after <c>nsenter --net=PATH</c>: ping, or busybox ping; null when there is neither.</summary>
    public static string[]? PingCommand()
    {
        if (Find("ping") is { } ping) return [ping];
        if (Find("busybox") is { } busybox) return [busybox, "ping"];
        return null;
    }
}
