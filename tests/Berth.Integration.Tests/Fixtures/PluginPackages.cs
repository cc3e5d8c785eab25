using System.Formats.Tar;
using System.Text.Json.Nodes;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>Makes plugin package folders for tests: copies of real packages, some of them deliberately broken.</summary>
public sealed class PluginPackages : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("berth-pkg.");

    /// <summary>A copy of a package with its config.json edited.</summary>
    public string CopyOf(string packageDir, Action<JsonObject>? edit = null)
    {
        var target = Path.Combine(root.FullName, Guid.NewGuid().ToString("N"));
        Copy(packageDir, target);
        if (edit is not null)
        {
            var path = Path.Combine(target, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            edit(config);
            File.WriteAllText(path, config.ToJsonString());
        }
        return target;
    }

    public string WithRawConfig(string packageDir, string configText)
    {
        var target = CopyOf(packageDir);
        File.WriteAllText(Path.Combine(target, "config.json"), configText);
        return target;
    }

    public static MemoryStream Tar(string dir)
    {
        var stream = new MemoryStream();
        TarFile.CreateFromDirectory(dir, stream, includeBaseDirectory: false);
        stream.Position = 0;
        return stream;
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(source)) Copy(dir, Path.Combine(destination, Path.GetFileName(dir)));
    }

    public void Dispose() => root.Delete(recursive: true);
}
