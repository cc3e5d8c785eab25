using System.Text.Json;
using Berth.Kernel.Cluster;
using Berth.Kernel.Tests.Cluster.Fakes;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster;

public class ClusterMembershipTests
{
    private MembershipHarness h = null!;
    private static readonly JsonElement Request = JsonDocument.Parse("""{"ListenAddr":"0.0.0.0:2377"}""").RootElement;

    [SetUp]
    public void SetUp() => h = new MembershipHarness();

    [TearDown]
    public void TearDown() => h.Dispose();

    [Test]
    public async Task InitAsync_BackendSucceeds_WritesTheMarkerAndStartsTheAgent()
    {
        var nodeId = await h.Membership.InitAsync(Request, CancellationToken.None);

        Assert.That(nodeId, Is.EqualTo("node1"));
        Assert.That(File.Exists(Path.Combine(h.Root, "swarm", "state")), Is.True);
        Assert.That(h.Membership.IsMember, Is.True);
        Assert.That(h.Agent.Starts, Is.EqualTo(1));
        Assert.That(h.Backend.LastJson!.Value.GetRawText(), Is.EqualTo(Request.GetRawText()));
    }

    [Test]
    public void InitAsync_BackendRefusesAndJoinedNothing_NoMarkerNoAgent()
    {
        h.Backend.Failures["Init"] = () => BerthException.Unavailable("This node is already part of a swarm.");
        h.Backend.Status = h.Backend.Status with { LocalNodeState = "inactive" };

        Assert.ThrowsAsync<BerthException>(() => h.Membership.InitAsync(Request, CancellationToken.None));

        Assert.That(h.Membership.IsMember, Is.False);
        Assert.That(h.Agent.Starts, Is.Zero);
    }

    [Test]
    public async Task JoinAsync_TimesOutButTheNodeJoins_BecomesAMemberAnyway()
    {
        h.Backend.Failures["Join"] = () => new BerthException(BerthErrorKind.Timeout, "Timeout was reached before node joined.");
        h.Backend.Status = h.Backend.Status with { LocalNodeState = "pending" };

        var error = await Wait.ThrowsAsync<BerthException>(() => h.Membership.JoinAsync(Request, CancellationToken.None));

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.Timeout));
        Assert.That(h.Membership.IsMember, Is.True);
        Assert.That(h.Agent.Starts, Is.EqualTo(1));
    }

    [Test]
    public async Task LeaveAsync_BackendLeft_StopsTheAgentRemovesTaskContainersAndTheMarkerThenTheBackendProcess()
    {
        await h.MemberAsync();
        var task = h.Containers.Add("t1", running: true, started: true);
        var marked = h.Containers.Add("", running: false, started: true);
        Directory.CreateDirectory(h.Files.DirectoryOf("t1"));

        await h.Membership.LeaveAsync(force: true, CancellationToken.None);

        Assert.That(h.Backend.Calls, Is.EqualTo(new[] { "Leave True" }));
        Assert.That(h.Agent.Stops, Is.EqualTo(1));
        Assert.That(h.Containers.Calls.Order(), Is.EqualTo(new[] { $"remove {marked.Id}", $"remove {task.Id}" }.Order()));
        Assert.That(h.Membership.IsMember, Is.False);
        Assert.That(Directory.Exists(h.Files.DirectoryOf("t1")), Is.False);
        Assert.That(h.Process.Stops, Is.EqualTo(1));
    }

    [Test]
    public async Task LeaveAsync_BackendRefuses_KeepsTheAgentContainersAndMarker()
    {
        await h.MemberAsync();
        h.Containers.Add("t1", running: true, started: true);
        h.Backend.Failures["Leave"] = () => BerthException.Unavailable("You are attempting to leave the swarm on a node that is participating as a manager.");

        Assert.ThrowsAsync<BerthException>(() => h.Membership.LeaveAsync(force: false, CancellationToken.None));

        Assert.That(h.Agent.Stops, Is.Zero);
        Assert.That(h.Containers.Calls, Is.Empty);
        Assert.That(h.Membership.IsMember, Is.True);
        Assert.That(h.Process.Stops, Is.Zero);
    }

    [Test]
    public void LeaveAsync_NeverJoined_AnswersNotPartOfASwarmWithoutStartingTheBackend()
    {
        var error = Assert.ThrowsAsync<BerthException>(() => h.Membership.LeaveAsync(force: false, CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(error.Message, Is.EqualTo("This node is not part of a swarm"));
        Assert.That(h.Backend.Calls, Is.Empty);
    }

    [Test]
    public void Manager_NeverJoinedBackendNotStarted_AnswersNotASwarmManager()
    {
        var error = Assert.Throws<BerthException>(() => h.Membership.Manager());

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(error.Message, Does.StartWith("This node is not a swarm manager. Use \"docker swarm init\""));
    }

    [Test]
    public void Manager_BackendAlreadyRunning_IsTheBackend()
    {
        h.BackendStarted = true;

        Assert.That(h.Membership.Manager(), Is.SameAs(h.Backend));
    }

    [Test]
    public async Task ResumeAsync_WasInASwarm_StartsTheAgent()
    {
        await h.MemberAsync();

        await h.Membership.ResumeAsync(CancellationToken.None);

        Assert.That(h.Agent.Starts, Is.EqualTo(1));
        Assert.That(h.Membership.IsMember, Is.True);
    }

    [Test]
    public async Task ResumeAsync_NeverJoined_NeitherCallsTheBackendNorStartsTheAgent()
    {
        await h.Membership.ResumeAsync(CancellationToken.None);

        Assert.That(h.Backend.Calls, Is.Empty);
        Assert.That(h.Agent.Starts, Is.Zero);
    }

    [Test]
    public async Task ResumeAsync_BackendInNoSwarm_FinishesTheInterruptedLeave()
    {
        await h.MemberAsync();
        var task = h.Containers.Add("t1", running: false, started: true);
        h.Backend.Status = h.Backend.Status with { LocalNodeState = "inactive" };

        await h.Membership.ResumeAsync(CancellationToken.None);

        Assert.That(h.Agent.Starts, Is.Zero);
        Assert.That(h.Containers.Calls, Is.EqualTo(new[] { $"remove {task.Id}" }));
        Assert.That(h.Membership.IsMember, Is.False);
    }

    [Test]
    public async Task ResumeAsync_BackendUnavailable_StartsTheAgentWhichRetries()
    {
        await h.MemberAsync();
        h.Backend.Failures["GetStatus"] = () => BerthException.Unavailable("plugin swarmkit is starting");

        await h.Membership.ResumeAsync(CancellationToken.None);

        Assert.That(h.Agent.Starts, Is.EqualTo(1));
    }

    [Test]
    public async Task ResumeAsync_AfterStop_DoesNotStartTheAgent()
    {
        await h.MemberAsync();
        await h.Membership.StopAsync();

        await h.Membership.ResumeAsync(CancellationToken.None);

        Assert.That(h.Agent.Starts, Is.Zero);
        Assert.That(h.Agent.Stops, Is.EqualTo(1));
    }
}
