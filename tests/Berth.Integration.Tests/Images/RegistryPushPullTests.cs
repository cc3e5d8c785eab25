using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Images;

/// <summary>docker push / pull through a real registry (Debian's docker-registry on loopback), driven by the stock CLI.</summary>
[TestFixture]
public sealed class RegistryPushPullTests
{
    private BerthdInstance daemon = null!;
    private LocalRegistry registry = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        registry = await LocalRegistry.StartAsync(CancellationToken.None);
        daemon = await BerthdInstance.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await daemon.DisposeAsync();
        await registry.DisposeAsync();
    }

    [Test]
    public async Task PushRmiPull_ImportedImage_SameIdAndDigest()
    {
        var remote = $"{registry.Address}/acc/busybox:1";
        var id = await ImportAsync("acc/busybox:1");
        Assert.That((await daemon.DockerAsync("tag", "acc/busybox:1", remote)).ExitCode, Is.Zero);

        var push = await daemon.DockerAsync("push", remote);
        Assert.That(push.ExitCode, Is.Zero, push.ToString());
        Assert.That(push.Stdout, Does.Contain($"The push refers to repository [{registry.Address}/acc/busybox]"));
        Assert.That(push.Stdout, Does.Match(@"1: digest: sha256:[0-9a-f]{64} size: \d+"));
        var pushedDigest = global::System.Text.RegularExpressions.Regex.Match(push.Stdout, "digest: (sha256:[0-9a-f]{64})").Groups[1].Value;

        var rmi = await daemon.DockerAsync("rmi", "acc/busybox:1", remote);
        Assert.That(rmi.ExitCode, Is.Zero, rmi.ToString());
        Assert.That(rmi.Stdout, Does.Contain($"Deleted: {id}"));

        var pull = await daemon.DockerAsync("pull", remote);
        Assert.That(pull.ExitCode, Is.Zero, pull.ToString());
        // Other tests of this fixture import the same busybox layer, so it may still be here ("Already exists").
        Assert.That(pull.Stdout, Does.Contain("Pull complete").Or.Contain("Already exists"));
        Assert.That(pull.Stdout, Does.Contain($"Digest: {pushedDigest}").And.Contain($"Status: Downloaded newer image for {remote}"));

        var inspect = await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}|{{index .RepoDigests 0}}", remote);
        Assert.That(inspect.Stdout.Trim(), Is.EqualTo($"{id}|{registry.Address}/acc/busybox@{pushedDigest}"));

        var again = await daemon.DockerAsync("pull", remote);
        Assert.That(again.Stdout, Does.Contain($"Status: Image is up to date for {remote}"), again.ToString());
    }

    [Test]
    public async Task Push_Twice_LayersAlreadyExist()
    {
        var remote = $"{registry.Address}/acc/twice:1";
        await ImportAsync(remote);
        Assert.That((await daemon.DockerAsync("push", remote)).ExitCode, Is.Zero);
        var second = await daemon.DockerAsync("push", remote);
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.Stdout, Does.Contain("Layer already exists"));
    }

    [Test]
    public async Task Push_SameLayersToAnotherRepository_MountedFromTheFirst()
    {
        var first = $"{registry.Address}/acc/mount-a:1";
        var second = $"{registry.Address}/acc/mount-b:1";
        await ImportAsync(first);
        Assert.That((await daemon.DockerAsync("push", first)).ExitCode, Is.Zero);
        await daemon.DockerAsync("tag", first, second);
        var push = await daemon.DockerAsync("push", second);
        Assert.That(push.ExitCode, Is.Zero, push.ToString());
        Assert.That(push.Stdout, Does.Match("Mounted from acc/"), "the blob is linked from a repository that has it, not uploaded again");
    }

    [Test]
    public async Task PushPull_MultiLayerImage_EveryLayerAppliedInOrder()
    {
        Assert.That((await daemon.DockerAsync("load", "-i", TestImages.MultiLayerSaveTar)).ExitCode, Is.Zero);
        var remote = $"{registry.Address}/acc/layers:1";
        await daemon.DockerAsync("tag", TestImages.MultiLayerTag, remote);
        var id = (await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote)).Stdout.Trim();
        Assert.That((await daemon.DockerAsync("push", remote)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("rmi", TestImages.MultiLayerTag, remote)).ExitCode, Is.Zero);

        var pull = await daemon.DockerAsync("pull", remote);
        Assert.That(pull.ExitCode, Is.Zero, pull.ToString());
        Assert.That(global::System.Text.RegularExpressions.Regex.Matches(pull.Stdout, "Pull complete").Count, Is.EqualTo(3), pull.Stdout);
        var inspect = await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote);
        Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id));
    }

    [Test]
    public async Task Pull_OverlayPluginKilledMidway_FailsCleanlyOrCompletes_StoreConsistent()
    {
        Assert.That((await daemon.DockerAsync("load", "-i", TestImages.MultiLayerSaveTar)).ExitCode, Is.Zero);
        var remote = $"{registry.Address}/acc/killed:1";
        await daemon.DockerAsync("tag", TestImages.MultiLayerTag, remote);
        var id = (await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote)).Stdout.Trim();
        Assert.That((await daemon.DockerAsync("push", remote)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("rmi", TestImages.MultiLayerTag, remote)).ExitCode, Is.Zero);

        var pid = daemon.PluginPid("overlay");
        Assert.That(pid, Is.Not.Null, "the overlay plugin runs");
        var pull = daemon.DockerAsync("pull", remote);
        await Processes.RunAsync("kill", ["-KILL", pid!.Value.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
        var first = await pull;
        Assert.That(await daemon.WaitForPluginStateAsync("overlay", "running"), Is.True, "the supervisor restarts the plugin");

        if (first.ExitCode != 0)
        {
            Assert.That((await daemon.DockerAsync("image", "inspect", remote)).ExitCode, Is.Not.Zero, "a failed pull registers nothing");
            var second = await daemon.DockerAsync("pull", remote);
            Assert.That(second.ExitCode, Is.Zero, second.ToString());
        }
        var inspect = await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote);
        Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id), first.ToString());
        var restarted = await daemon.RestartAsync();
        daemon = restarted;
        var afterRestart = await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote);
        Assert.That(afterRestart.Stdout.Trim(), Is.EqualTo(id), "the store is consistent after a daemon restart");
        Assert.That((await daemon.DockerAsync("rmi", remote)).ExitCode, Is.Zero);
    }

    [Test]
    public async Task Login_OpenRegistry_SucceedsAndPushUsesTheStoredCredentials()
    {
        var config = Directory.CreateTempSubdirectory("berth-docker-config.").FullName;
        try
        {
            var env = new Dictionary<string, string>(daemon.DockerEnv) { ["DOCKER_CONFIG"] = config };
            var login = await Processes.RunAsync(DockerCli.Path, ["login", registry.Address, "-u", "tester", "--password-stdin"], env, stdin: "secret\n");
            Assert.That(login.ExitCode, Is.Zero, login.ToString());
            Assert.That(login.Stdout, Does.Contain("Login Succeeded"));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(config, "config.json")), Does.Contain(registry.Address));
            var remote = $"{registry.Address}/acc/after-login:1";
            await ImportAsync(remote);
            var push = await Processes.RunAsync(DockerCli.Path, ["push", remote], env);
            Assert.That(push.ExitCode, Is.Zero, push.ToString());
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [Test]
    public async Task Pull_RegistryDropsConnectionMidLayer_SecondPullResumesAndCompletes()
    {
        const int layerSize = 6 << 20;
        var archive = TestImages.SaveTar($"resume-{Guid.NewGuid():N}.tar", [TestImages.RandomFileLayer("big.bin", layerSize)], "berth-test/resume:1", null);
        Assert.That((await daemon.DockerAsync("load", "-i", archive)).ExitCode, Is.Zero);
        var direct = $"{registry.Address}/acc/resume:1";
        await daemon.DockerAsync("tag", "berth-test/resume:1", direct);
        var id = (await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", direct)).Stdout.Trim();
        Assert.That((await daemon.DockerAsync("push", direct)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("rmi", "berth-test/resume:1", direct)).ExitCode, Is.Zero);

        await using var proxy = new CuttingProxy(registry.Port, cutAfterBytes: 3 << 20);
        var viaProxy = $"{proxy.Address}/acc/resume:1";
        var first = await daemon.DockerAsync("pull", viaProxy);
        Assert.That(first.ExitCode, Is.Not.Zero, "the registry dropped the connection mid-layer: " + first);
        Assert.That((await daemon.DockerAsync("image", "inspect", viaProxy)).ExitCode, Is.Not.Zero, "nothing is registered");

        var before = proxy.Forwarded;
        var second = await daemon.DockerAsync("pull", viaProxy);
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(proxy.Forwarded - before, Is.LessThan(layerSize - (1 << 20)), "the second pull resumed the partial download instead of starting over");
        Assert.That((await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", viaProxy)).Stdout.Trim(), Is.EqualTo(id));
        File.Delete(archive);
    }

    [Test]
    public async Task Pull_MissingTag_ManifestUnknown()
    {
        var result = await daemon.DockerAsync("pull", $"{registry.Address}/acc/none:404");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("manifest unknown").Or.Contain("not found"));
    }

    [Test]
    public async Task Pull_UnreachableRegistry_ClearError()
    {
        var port = LocalRegistry.FreePort();
        var result = await daemon.DockerAsync("pull", $"127.0.0.1:{port}/acc/none:1");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("connection refused"));
    }

    [Test]
    public async Task Push_UntaggedName_NoSuchLocalImage()
    {
        var result = await daemon.DockerAsync("push", $"{registry.Address}/acc/never:1");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("An image does not exist locally with the tag"));
    }

    private async Task<string> ImportAsync(string tag)
    {
        var result = await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, tag);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return result.Stdout.Trim();
    }
}
