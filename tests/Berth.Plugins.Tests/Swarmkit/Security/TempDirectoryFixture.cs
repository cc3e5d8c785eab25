namespace Berth.Plugins.Tests.Swarmkit.Security;

public abstract class TempDirectoryFixture
{
    protected string TempDirectory { get; private set; } = "";

    [SetUp]
    public void CreateTempDirectory()
    {
        TempDirectory = Path.Combine(Path.GetTempPath(), "berth-swarm-security-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(TempDirectory);
    }

    [TearDown]
    public void DeleteTempDirectory() => Directory.Delete(TempDirectory, recursive: true);
}
