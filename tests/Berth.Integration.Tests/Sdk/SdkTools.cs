using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Sdk;

/// <summary>What the driver-author tests share: the packed SDK, the dotnet CLI, docker commands that must succeed.</summary>
internal static class SdkTools
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(5);

    public static string Packages { get; } = Path.Combine(RepoPaths.Root, "artifacts", "packages");

    /// <summary>The template package <c>build.ps1 pack</c> made; the test fails when there is none.</summary>
    public static string TemplatePackage()
    {
        var found = Directory.Exists(Packages) ? Directory.GetFiles(Packages, "Berth.Templates.*.nupkg") : [];
        if (found.Length != 1) Assert.Fail($"expected one Berth.Templates package in {Packages}: run `dotnet pwsh ./build.ps1 pack` first");
        return found[0];
    }

    public static async Task<CommandResult> DotnetAsync(params string[] args)
    {
        var result = await Processes.RunAsync("dotnet", args, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, DotnetTimeout);
        Assert.That(result.ExitCode, Is.Zero, $"dotnet {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Runs <c>PackPlugin</c> (the target the Berth.Sdk package brings) on a driver project; returns the package folder.</summary>
    public static async Task<string> PackPluginAsync(string project, string output)
    {
        var package = output.TrimEnd('/') + "/";
        await DotnetAsync("build", project, "-t:PackPlugin", "-c", "Release", $"-p:PluginPackageDir={package}");
        Assert.That(File.Exists(Path.Combine(package, "config.json")), $"PackPlugin wrote no config.json to {package}");
        return package;
    }

    public static async Task<CommandResult> MustAsync(BerthdInstance daemon, params string[] args)
    {
        var result = await daemon.DockerAsync(args);
        Assert.That(result.ExitCode, Is.Zero, $"docker {string.Join(' ', args)}: {result}");
        return result;
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
