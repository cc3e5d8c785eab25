namespace Berth.Integration.Tests.Fixtures;

/// <summary>Where the published daemon and the test plugin packages are (made by <c>build.ps1 test</c>).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Berthd => Path.Combine(Root, "artifacts", "berthd", "berthd");

    public static string BundledPlugin(string name) => Path.Combine(Root, "artifacts", "berthd", "plugins", name);

    public static string TestPlugin(string name) => Path.Combine(Root, "artifacts", "test-plugins", name);

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("BERTH_ROOT") is { Length: > 0 } configured) return configured;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Berth.slnx"))) dir = dir.Parent;
            if (dir is not null) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Berth.slnx); set BERTH_ROOT");
    }
}
