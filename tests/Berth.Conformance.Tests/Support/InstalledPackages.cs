namespace Berth.Conformance.Tests.Support;

/// <summary>Where <c>build.ps1</c> publishes berthd, its plugin host and the bundled plugin packages (artifacts/berthd).</summary>
internal static class InstalledPackages
{
    private static readonly string Root = FindRoot();

    public static string PluginHost => Existing(Path.Combine(Root, "artifacts", "berthd", "berth-plugin-host"));

    public static string Bundled(string name) => Existing(Path.Combine(Root, "artifacts", "berthd", "plugins", name));

    private static string Existing(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"{path} is missing: run `dotnet pwsh ./build.ps1 test` (it publishes first)");
        return path;
    }

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("BERTH_ROOT") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Berth.slnx"))) return dir.FullName;
        }
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Berth.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Berth.slnx); set BERTH_ROOT");
    }
}
