using System.Globalization;
using System.Net;
using System.Text.Json;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Volumes;

/// <summary>Volumes through the stock docker CLI: create (named, anonymous, with options), ls filters, inspect, rm, prune, events.</summary>
[TestFixture]
public sealed class VolumeCliTests
{
    private BerthdInstance daemon = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => daemon = await BerthdInstance.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await daemon.DisposeAsync();

    private async Task<CommandResult> DockerOkAsync(params string[] args)
    {
        var result = await daemon.DockerAsync(args);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return result;
    }

    [Test]
    public async Task CreateInspectRm_NamedVolume_LooksLikeDocker()
    {
        var created = await DockerOkAsync("volume", "create", "--label", "tier=db", "cli-named");
        Assert.That(created.Stdout.Trim(), Is.EqualTo("cli-named"));

        var inspect = await DockerOkAsync("volume", "inspect", "cli-named");
        var volume = JsonDocument.Parse(inspect.Stdout).RootElement[0];
        Assert.That(volume.GetProperty("Name").GetString(), Is.EqualTo("cli-named"));
        Assert.That(volume.GetProperty("Driver").GetString(), Is.EqualTo("local"));
        Assert.That(volume.GetProperty("Scope").GetString(), Is.EqualTo("local"));
        Assert.That(volume.GetProperty("Mountpoint").GetString(), Is.EqualTo(Path.Combine(daemon.DataRoot, "volumes", "cli-named", "_data")));
        Assert.That(volume.GetProperty("Labels").GetProperty("tier").GetString(), Is.EqualTo("db"));
        Assert.That(volume.GetProperty("CreatedAt").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        Assert.That(volume.TryGetProperty("UsageData", out _), Is.False);
        Assert.That(Directory.Exists(Path.Combine(daemon.DataRoot, "volumes", "cli-named", "_data")), Is.True);

        var again = await DockerOkAsync("volume", "create", "cli-named");
        Assert.That(again.Stdout.Trim(), Is.EqualTo("cli-named"), "creating an existing name is idempotent");

        await DockerOkAsync("volume", "rm", "cli-named");
        var missing = await daemon.DockerAsync("volume", "inspect", "cli-named");
        Assert.That(missing.ExitCode, Is.Not.Zero);
        Assert.That(missing.Stderr, Does.Contain("no such volume"));
        Assert.That(Directory.Exists(Path.Combine(daemon.DataRoot, "volumes", "cli-named")), Is.False);
    }

    [Test]
    public async Task Create_InvalidNameOrOption_DockersErrors()
    {
        var badName = await daemon.DockerAsync("volume", "create", "bad/name");
        Assert.That(badName.ExitCode, Is.Not.Zero);
        Assert.That(badName.Stderr, Does.Contain("\"bad/name\" includes invalid characters for a local volume name"));

        var badOpt = await daemon.DockerAsync("volume", "create", "--opt", "colour=blue", "cli-badopt");
        Assert.That(badOpt.ExitCode, Is.Not.Zero);
        Assert.That(badOpt.Stderr, Does.Contain("invalid option: \"colour\""));

        var badDriver = await daemon.DockerAsync("volume", "create", "--driver", "flocker", "cli-baddriver");
        Assert.That(badDriver.ExitCode, Is.Not.Zero);
        Assert.That(badDriver.Stderr, Does.Contain("error looking up volume plugin flocker: plugin \"flocker\" not found"));
    }

    [Test]
    public async Task Ls_Filters_SelectByNameLabelAndDangling()
    {
        await DockerOkAsync("volume", "create", "--label", "ls-test=a", "ls-alpha");
        await DockerOkAsync("volume", "create", "--label", "ls-test=b", "ls-beta");

        var byLabel = await DockerOkAsync("volume", "ls", "-q", "--filter", "label=ls-test=b");
        Assert.That(byLabel.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "ls-beta" }));
        var byName = await DockerOkAsync("volume", "ls", "-q", "--filter", "name=ls-al");
        Assert.That(byName.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "ls-alpha" }));
        var dangling = await DockerOkAsync("volume", "ls", "-q", "--filter", "dangling=true", "--filter", "label=ls-test");
        Assert.That(dangling.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "ls-alpha", "ls-beta" }));
        var table = await DockerOkAsync("volume", "ls", "--filter", "label=ls-test");
        Assert.That(table.Stdout, Does.Contain("DRIVER").And.Contain("local     ls-alpha"));

        await DockerOkAsync("volume", "rm", "ls-alpha", "ls-beta");
    }

    [Test]
    public async Task Prune_Default_RemovesOnlyAnonymousVolumes_AllRemovesNamed()
    {
        using var http = RawApi.Create(daemon.Socket);
        using var anonymous = await http.PostAsync("/v1.50/volumes/create", new StringContent("""{"Labels":{"prune-test":"1"}}""", null, "application/json"));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var anonymousName = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync()).RootElement.GetProperty("Name").GetString()!;
        Assert.That(anonymousName, Does.Match("^[0-9a-f]{64}$"));
        await DockerOkAsync("volume", "create", "--label", "prune-test=1", "prune-named");

        var pruned = await DockerOkAsync("volume", "prune", "-f", "--filter", "label=prune-test");
        Assert.That(pruned.Stdout, Does.Contain(anonymousName).And.Not.Contain("prune-named"));

        var all = await DockerOkAsync("volume", "prune", "-f", "--all", "--filter", "label=prune-test");
        Assert.That(all.Stdout, Does.Contain("prune-named"));
        var left = await DockerOkAsync("volume", "ls", "-q", "--filter", "label=prune-test");
        Assert.That(left.Stdout.Trim(), Is.Empty);
    }

    [Test]
    public async Task Rm_Missing_ErrorsUnlessForced()
    {
        var missing = await daemon.DockerAsync("volume", "rm", "never-made");
        Assert.That(missing.ExitCode, Is.Not.Zero);
        Assert.That(missing.Stderr, Does.Contain("get never-made: no such volume"));
        await DockerOkAsync("volume", "rm", "-f", "never-made");
    }

    [Test]
    public async Task Create_TmpfsOptions_ShownInInspectAndSkippedBySystemDf()
    {
        await DockerOkAsync("volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=1m", "cli-tmpfs");
        await DockerOkAsync("volume", "create", "cli-plain-df");

        var options = await DockerOkAsync("volume", "inspect", "--format", "{{json .Options}}", "cli-tmpfs");
        Assert.That(JsonDocument.Parse(options.Stdout).RootElement.GetProperty("o").GetString(), Is.EqualTo("size=1m"));
        var df = await DockerOkAsync("system", "df", "-v", "--format", "{{json .Volumes}}");
        Assert.That(df.Stdout, Does.Contain("cli-plain-df").And.Not.Contain("cli-tmpfs"));

        await DockerOkAsync("volume", "rm", "cli-tmpfs", "cli-plain-df");
    }

    [Test]
    public async Task Events_CreateAndDestroy_Published()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await DockerOkAsync("volume", "create", "cli-events");
        await DockerOkAsync("volume", "rm", "cli-events");
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var events = await DockerOkAsync("events", "--since", since, "--until", until, "--filter", "type=volume", "--filter", "volume=cli-events",
            "--format", "{{.Action}} {{.Actor.ID}} {{index .Actor.Attributes \"driver\"}}");
        Assert.That(events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "create cli-events local", "destroy cli-events local" }));
    }

    [Test]
    public async Task Put_ClusterVolumeUpdate_NotImplemented()
    {
        using var http = RawApi.Create(daemon.Socket);
        using var response = await http.PutAsync("/v1.50/volumes/anything?version=1", new StringContent("{}", null, "application/json"));
        Assert.That((int)response.StatusCode, Is.EqualTo(501));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("cluster volumes"));
    }
}
