namespace Berth.Kernel;

/// <summary>berthd's identity as shown by <c>docker version</c>.</summary>
public static class KernelInfo
{
    public const string ApiVersion = "1.50";
    public const string MinApiVersion = "1.24";

    public static string Version { get; } =
        typeof(KernelInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string GitCommit { get; } = Environment.GetEnvironmentVariable("BERTH_GIT_COMMIT") ?? "unknown";
}
