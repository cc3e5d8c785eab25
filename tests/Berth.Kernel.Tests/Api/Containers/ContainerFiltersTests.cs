using System.Text.Json.Nodes;
using Berth.Kernel.Api.Containers;
using Berth.Kernel.Containers;
using Berth.Kernel.Events;
using Berth.Kernel.Images;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.Store;
using Berth.Kernel.Names;
using Berth.Sdk;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Api.Containers;

public class ContainerFiltersTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private string root = "";
    private ContainerStore store = null!;
    private ImageService images = null!;

    [SetUp]
    public async Task CreateStores()
    {
        root = Directory.CreateTempSubdirectory("berth-filters.").FullName;
        store = new ContainerStore(Path.Combine(root, "containers"), new NameRegistry());
        var content = new ContentStore(Path.Combine(root, "content"));
        var layers = await LayerStore.LoadAsync(Path.Combine(root, "layers"), () => throw new InvalidOperationException("no snapshotter in unit tests"), CancellationToken.None);
        var imageStore = await ImageStore.LoadAsync(Path.Combine(root, "images"), content, layers, CancellationToken.None);
        var references = await ReferenceStore.LoadAsync(Path.Combine(root, "repositories.json"), CancellationToken.None);
        var time = new FakeTimeProvider(T0);
        images = new ImageService(content, layers, imageStore, references, new EventsService(time), new NoContainers(), time);
    }

    [TearDown]
    public void DeleteStores() => Directory.Delete(root, recursive: true);

    private Container Add(string id, string name, int minutes, ContainerState? state = null, string labels = "{}", string network = "bridge",
        bool started = false, IReadOnlyList<MountPoint>? mounts = null, string image = "busybox")
    {
        var container = new Container
        {
            Id = id.PadRight(64, '0'),
            Created = T0.AddMinutes(minutes),
            ImageId = "sha256:" + new string('e', 64),
            Config = new JsonObject { ["Image"] = image, ["Labels"] = JsonNode.Parse(labels) },
            Driver = "overlay2",
            LogPath = "",
            Name = "/" + name,
            HostConfig = new JsonObject { ["NetworkMode"] = network },
            State = state ?? new ContainerState(),
            HasBeenStartedBefore = started,
            Mounts = mounts ?? [],
        };
        store.Add(container);
        return container;
    }

    private ContainerFilters Parse(string json) => ContainerFilters.Parse(json, store, images);

    private static ContainerState Running => new() { Status = "running", Running = true };

    private static ContainerState Exited(int code) => new() { Status = "exited", ExitCode = code };

    [Test]
    public void Parse_NoFilters_MatchesEverything()
    {
        var web = Add("aa", "web", 0);

        var filters = ContainerFilters.Parse(null, store, images);

        Assert.Multiple(() =>
        {
            Assert.That(filters.Matches(web), Is.True);
            Assert.That(filters.HasStatusOrExited, Is.False);
        });
    }

    [Test]
    public void Parse_UnknownFilter_IsDockersInvalidFilterMessage()
    {
        var error = Assert.Throws<BerthException>(() => Parse("""{"colour":["red"]}"""))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo("invalid filter 'colour'"));
        });
    }

    [Test]
    public void Parse_UnknownStatus_IsDockersInvalidStatusMessage()
    {
        var error = Assert.Throws<BerthException>(() => Parse("""{"status":["up"]}"""))!;

        Assert.That(error.Message, Is.EqualTo("invalid filter 'status=up'"));
    }

    [Test]
    public void Parse_NonNumericExited_IsInvalid()
    {
        var error = Assert.Throws<BerthException>(() => Parse("""{"exited":["zero"]}"""))!;

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public void Parse_BeforeUnknownContainer_IsNotFound()
    {
        var error = Assert.Throws<BerthException>(() => Parse("""{"before":["ghost"]}"""))!;

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public void Matches_Status_KeepsContainersInAnyListedState()
    {
        var running = Add("aa", "web", 0, Running);
        var exited = Add("bb", "db", 1, Exited(0), started: true);
        var created = Add("cc", "new", 2);

        var filters = Parse("""{"status":["running","created"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.HasStatusOrExited, Is.True);
            Assert.That(filters.Matches(running), Is.True);
            Assert.That(filters.Matches(exited), Is.False);
            Assert.That(filters.Matches(created), Is.True);
        });
    }

    [Test]
    public void Matches_Exited_NeedsAStartedStoppedContainerWithThatCode()
    {
        var failed = Add("aa", "failed", 0, Exited(3), started: true);
        var ok = Add("bb", "ok", 1, Exited(0), started: true);
        var neverStarted = Add("cc", "fresh", 2, new ContainerState { Status = "created", ExitCode = 0 });

        var filters = Parse("""{"exited":["0"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.HasStatusOrExited, Is.True);
            Assert.That(filters.Matches(ok), Is.True);
            Assert.That(filters.Matches(failed), Is.False);
            Assert.That(filters.Matches(neverStarted), Is.False);
        });
    }

    [Test]
    public void Matches_IdPrefix_KeepsOnlyMatchingIds()
    {
        var web = Add("abc1", "web", 0);
        var db = Add("def2", "db", 1);

        var filters = Parse("""{"id":["abc"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.Matches(web), Is.True);
            Assert.That(filters.Matches(db), Is.False);
        });
    }

    [Test]
    public void Matches_Name_IsASubstringWithOrWithoutSlash()
    {
        var web = Add("aa", "my-web-1", 0);
        var db = Add("bb", "db", 1);

        Assert.Multiple(() =>
        {
            Assert.That(Parse("""{"name":["web"]}""").Matches(web), Is.True);
            Assert.That(Parse("""{"name":["/my-web"]}""").Matches(web), Is.True);
            Assert.That(Parse("""{"name":["web"]}""").Matches(db), Is.False);
        });
    }

    [Test]
    public void Matches_Labels_MustAllHold()
    {
        var web = Add("aa", "web", 0, labels: """{"tier":"front","env":"prod"}""");
        var api = Add("bb", "api", 1, labels: """{"tier":"back","env":"prod"}""");

        var filters = Parse("""{"label":["env=prod","tier=front"]}""");
        var keyOnly = Parse("""{"label":["tier"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.Matches(web), Is.True);
            Assert.That(filters.Matches(api), Is.False);
            Assert.That(keyOnly.Matches(api), Is.True);
            Assert.That(Parse("""{"label":["owner"]}""").Matches(web), Is.False);
        });
    }

    [Test]
    public void Matches_BeforeAndSince_CompareCreationTimes()
    {
        var first = Add("aa", "first", 0);
        var middle = Add("bb", "middle", 1);
        var last = Add("cc", "last", 2);

        var before = Parse("""{"before":["middle"]}""");
        var since = Parse("""{"since":["middle"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, middle, last }.Select(before.Matches), Is.EqualTo(new[] { true, false, false }));
            Assert.That(new[] { first, middle, last }.Select(since.Matches), Is.EqualTo(new[] { false, false, true }));
        });
    }

    [Test]
    public void Matches_Ancestor_ByImageNameWhenTheImageIsUnknown()
    {
        var busybox = Add("aa", "a", 0, image: "busybox");
        var alpine = Add("bb", "b", 1, image: "alpine");

        var filters = Parse("""{"ancestor":["busybox"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.Matches(busybox), Is.True);
            Assert.That(filters.Matches(alpine), Is.False);
        });
    }

    [Test]
    public void Matches_Volume_ByNameOrDestination()
    {
        var mount = new MountPoint("volume", "pgdata", "/var/lib/berth/volumes/pgdata/_data", "/var/lib/postgresql", "local", "z", true, "");
        var db = Add("aa", "db", 0, mounts: [mount]);
        var web = Add("bb", "web", 1);

        Assert.Multiple(() =>
        {
            Assert.That(Parse("""{"volume":["pgdata"]}""").Matches(db), Is.True);
            Assert.That(Parse("""{"volume":["/var/lib/postgresql"]}""").Matches(db), Is.True);
            Assert.That(Parse("""{"volume":["pgdata"]}""").Matches(web), Is.False);
        });
    }

    [Test]
    public void Matches_Network_ByNetworkMode()
    {
        var hostNet = Add("aa", "a", 0, network: "host");
        var bridged = Add("bb", "b", 1);

        var filters = Parse("""{"network":["host"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.Matches(hostNet), Is.True);
            Assert.That(filters.Matches(bridged), Is.False);
        });
    }

    [Test]
    public void Matches_Health_NoneForContainersWithoutAHealthcheck()
    {
        var plain = Add("aa", "plain", 0, Running);
        var healthy = Add("bb", "checked", 1, Running with { Health = new HealthState("healthy", 0, []) });

        Assert.Multiple(() =>
        {
            Assert.That(Parse("""{"health":["none"]}""").Matches(plain), Is.True);
            Assert.That(Parse("""{"health":["none"]}""").Matches(healthy), Is.False);
            Assert.That(Parse("""{"health":["healthy"]}""").Matches(healthy), Is.True);
        });
    }

    [Test]
    public void Matches_IsTask_BySwarmTaskLabel()
    {
        var task = Add("aa", "task", 0, labels: """{"com.docker.swarm.task":""}""");
        var plain = Add("bb", "plain", 1);

        Assert.Multiple(() =>
        {
            Assert.That(Parse("""{"is-task":["true"]}""").Matches(task), Is.True);
            Assert.That(Parse("""{"is-task":["true"]}""").Matches(plain), Is.False);
            Assert.That(Parse("""{"is-task":["false"]}""").Matches(plain), Is.True);
        });
    }

    [Test]
    public void Matches_SeveralFilters_MustAllMatch()
    {
        var web = Add("aa", "web", 0, Running, labels: """{"env":"prod"}""");
        var stoppedWeb = Add("bb", "web-old", 1, Exited(0), labels: """{"env":"prod"}""", started: true);

        var filters = Parse("""{"name":["web"],"status":["running"],"label":["env=prod"]}""");

        Assert.Multiple(() =>
        {
            Assert.That(filters.Matches(web), Is.True);
            Assert.That(filters.Matches(stoppedWeb), Is.False);
        });
    }
}
