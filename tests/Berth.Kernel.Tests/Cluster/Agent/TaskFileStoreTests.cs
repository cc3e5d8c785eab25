using System.Text;
using System.Text.Json;
using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Cluster.Fakes;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class TaskFileStoreTests
{
    private const string TaskId = "0kzzo1i0y4jz6027t0k7aezc7";
    private string root = null!;
    private TaskFileStore store = null!;

    private static readonly AssignedFile Secret = new("sec1", "db_password", Encoding.UTF8.GetBytes("hunter2"));
    private static readonly AssignedFile Config = new("cfg1", "redis_conf", Encoding.UTF8.GetBytes("appendonly yes\n"));

    [SetUp]
    public void SetUp()
    {
        root = Path.Combine(Path.GetTempPath(), "berth-taskfiles-" + Guid.NewGuid().ToString("N"));
        store = new TaskFileStore(root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task WriteAsync_SecretAndConfig_WritesPayloadsWithTheirModesAndTargets()
    {
        var assignment = TaskJson.Assignment(TaskJson.Example1, [Secret], [Config]);

        var mounts = await store.WriteAsync(assignment, CancellationToken.None);

        Assert.That(mounts.Select(m => m.Target), Is.EqualTo(new[] { "/run/secrets/db_password", "/redis.conf" }));
        Assert.That(await File.ReadAllTextAsync(mounts[0].Source), Is.EqualTo("hunter2"));
        Assert.That(await File.ReadAllTextAsync(mounts[1].Source), Is.EqualTo("appendonly yes\n"));
        Assert.That(File.GetUnixFileMode(mounts[0].Source), Is.EqualTo(UnixFileMode.UserRead)); // 0400 (256)
        Assert.That(File.GetUnixFileMode(mounts[1].Source), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        Assert.That(mounts.Select(m => m.Source), Has.All.StartWith(store.DirectoryOf(TaskId) + "/"));
    }

    [Test]
    public async Task WriteAsync_Twice_RewritesTheSameFiles()
    {
        var assignment = TaskJson.Assignment(TaskJson.Example1, [Secret], [Config]);
        var first = await store.WriteAsync(assignment, CancellationToken.None);
        File.Delete(first[0].Source); // an exec root emptied by a reboot

        var second = await store.WriteAsync(assignment, CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(File.Exists(second[0].Source), Is.True);
    }

    [Test]
    public void WriteAsync_PayloadNotAssigned_ThrowsNotFound()
    {
        var assignment = TaskJson.Assignment(TaskJson.Example1, [], [Config]);

        var error = Assert.ThrowsAsync<BerthException>(() => store.WriteAsync(assignment, CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(error.Message, Does.Contain("db_password"));
    }

    [TestCase("""{"File":{"Name":"token"}}""", "/run/secrets", "/run/secrets/token")]
    [TestCase("""{"File":{"Name":"/etc/app/token"}}""", "/run/secrets", "/etc/app/token")]
    [TestCase("""{"File":{"Name":"app.conf"}}""", "/", "/app.conf")]
    [TestCase("""{"File":{"Name":"conf/../app.conf"}}""", "/", "/app.conf")]
    public void TargetOf_Name_RelativeGoesUnderTheDefaultDirectory(string reference, string directory, string expected)
    {
        Assert.That(TaskFileStore.TargetOf(JsonDocument.Parse(reference).RootElement, directory), Is.EqualTo(expected));
    }

    [Test]
    public async Task Prune_TasksNotKept_DeletesTheirFiles()
    {
        await store.WriteAsync(TaskJson.Assignment(TaskJson.Example1, [Secret], [Config]), CancellationToken.None);
        Directory.CreateDirectory(store.DirectoryOf("other"));

        store.Prune(new HashSet<string> { "other" });

        Assert.That(Directory.Exists(store.DirectoryOf(TaskId)), Is.False);
        Assert.That(Directory.Exists(store.DirectoryOf("other")), Is.True);
    }
}
