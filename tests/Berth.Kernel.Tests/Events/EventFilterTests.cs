using Berth.Kernel.Events;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Events;

public class EventFilterTests
{
    private static EventMessage Event(string type, string action, string id, params (string Key, string Value)[] attributes) => new()
    {
        Type = type,
        Action = action,
        Actor = new EventActor(id, attributes.ToDictionary(a => a.Key, a => a.Value)),
    };

    private static readonly EventMessage ContainerStart = Event("container", "start", "4f3c2b1a9e8d", ("name", "web"), ("image", "nginx:latest"), ("com.example.tier", "front"));
    private static readonly EventMessage ContainerExec = Event("container", "exec_start: sh -c date", "4f3c2b1a9e8d", ("name", "web"));
    private static readonly EventMessage NetworkCreate = Event("network", "create", "9a8b7c", ("name", "backend"), ("type", "bridge"));
    private static readonly EventMessage PluginCrash = Event("plugin", "crash", "0123abcd", ("name", "json-log:latest"), ("exitCode", "1"));

    private static EventFilter Filter(params (string Key, string[] Values)[] filters) =>
        EventFilter.Create(filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Values));

    [Test]
    public void Create_UnknownKey_ThrowsInvalidParameterNamingIt()
    {
        var ex = Assert.Throws<BerthException>(() => Filter(("colour", ["red"])))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("invalid filter 'colour'"));
    }

    [Test]
    public void Matches_EmptyFilter_MatchesEverything()
    {
        Assert.That(new[] { ContainerStart, NetworkCreate, PluginCrash }, Has.All.Matches<EventMessage>(EventFilter.Empty.Matches));
    }

    [Test]
    public void Matches_TypeFilter_KeepsOnlyThatType()
    {
        var filter = Filter(("type", ["network", "plugin"]));

        Assert.That(filter.Matches(NetworkCreate), Is.True);
        Assert.That(filter.Matches(PluginCrash), Is.True);
        Assert.That(filter.Matches(ContainerStart), Is.False);
    }

    [Test]
    public void Matches_EventFilter_MatchesActionOrItsStem()
    {
        var filter = Filter(("event", ["start", "exec_start"]));

        Assert.That(filter.Matches(ContainerStart), Is.True);
        Assert.That(filter.Matches(ContainerExec), Is.True, "exec_start: sh -c date has the stem exec_start");
        Assert.That(filter.Matches(NetworkCreate), Is.False);
    }

    [Test]
    public void Matches_PluginFilter_MatchesByNameOrIdPrefix()
    {
        Assert.That(Filter(("plugin", ["json-log"])).Matches(PluginCrash), Is.True, "name prefix");
        Assert.That(Filter(("plugin", ["json-log:latest"])).Matches(PluginCrash), Is.True, "full name");
        Assert.That(Filter(("plugin", ["0123"])).Matches(PluginCrash), Is.True, "id prefix");
        Assert.That(Filter(("plugin", ["overlay"])).Matches(PluginCrash), Is.False);
        Assert.That(Filter(("plugin", ["json-log"])).Matches(ContainerStart), Is.False, "other types never match an entity filter");
    }

    [Test]
    public void Matches_ContainerFilter_MatchesNameOrId()
    {
        Assert.That(Filter(("container", ["web"])).Matches(ContainerStart), Is.True);
        Assert.That(Filter(("container", ["4f3c"])).Matches(ContainerStart), Is.True);
        Assert.That(Filter(("container", ["db"])).Matches(ContainerStart), Is.False);
    }

    [Test]
    public void Matches_ImageFilter_MatchesContainerEventsByTheirImage()
    {
        Assert.That(Filter(("image", ["nginx"])).Matches(ContainerStart), Is.True);
        Assert.That(Filter(("image", ["redis"])).Matches(ContainerStart), Is.False);
        Assert.That(Filter(("image", ["nginx"])).Matches(NetworkCreate), Is.False);
    }

    [Test]
    public void Matches_LabelFilter_MatchesKeyOrKeyAndValue()
    {
        Assert.That(Filter(("label", ["com.example.tier"])).Matches(ContainerStart), Is.True);
        Assert.That(Filter(("label", ["com.example.tier=front"])).Matches(ContainerStart), Is.True);
        Assert.That(Filter(("label", ["com.example.tier=back"])).Matches(ContainerStart), Is.False);
        Assert.That(Filter(("label", ["com.example.tier"])).Matches(NetworkCreate), Is.False);
    }

    [Test]
    public void Matches_SeveralKeys_MustAllMatch()
    {
        var filter = Filter(("type", ["container"]), ("event", ["start"]), ("label", ["com.example.tier=front"]));

        Assert.That(filter.Matches(ContainerStart), Is.True);
        Assert.That(filter.Matches(ContainerExec), Is.False);
    }

    [Test]
    public void Matches_ScopeFilter_ComparesTheScope()
    {
        Assert.That(Filter(("scope", ["local"])).Matches(ContainerStart), Is.True);
        Assert.That(Filter(("scope", ["swarm"])).Matches(ContainerStart), Is.False);
    }
}
