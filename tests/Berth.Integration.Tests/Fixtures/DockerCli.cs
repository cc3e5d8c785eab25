namespace Berth.Integration.Tests.Fixtures;

/// <summary>The stock docker CLI on this machine.</summary>
public static class DockerCli
{
    public static string Path { get; } = new[] { "/usr/local/bin/docker", "/usr/bin/docker" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("the docker CLI is not installed (build.ps1 test installs docker-cli)");
}
