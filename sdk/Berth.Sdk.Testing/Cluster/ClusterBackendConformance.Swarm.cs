using System.Text.Json;

namespace Berth.Sdk.Testing;

// Outside a swarm, init, objects, restart, leave.
public abstract partial class ClusterBackendConformance
{
    [Test]
    public async Task GetStatus_OutsideASwarm_Inactive()
    {
        var status = await Backend.GetStatusAsync(Cancellation);

        Assert.That((status.LocalNodeState, status.ControlAvailable), Is.EqualTo(("inactive", false)));
        WireCheck.AssertRoundTrips(status);
    }

    [Test]
    public async Task GetAssignments_OutsideASwarm_EmptyWithEmptyRevision()
    {
        var assignments = await Backend.GetAssignmentsAsync("", Cancellation);

        Assert.That((assignments.Revision, assignments.Tasks.Count), Is.EqualTo(("", 0)), "berthd's agent polls this on every node, in a swarm or not");
    }

    [Test]
    public async Task ManagerCalls_OutsideASwarm_Unavailable()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.InspectAsync(Cancellation), BerthErrorKind.Unavailable);
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.ListAsync("services", NoFilters, Cancellation), BerthErrorKind.Unavailable);
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.LeaveAsync(force: false, Cancellation), BerthErrorKind.Unavailable);
    }

    [Test]
    public async Task Init_OneNode_ActiveManagerAndASecondInitUnavailable()
    {
        var nodeId = await InitAsync();

        var status = await Backend.GetStatusAsync(Cancellation);
        Assert.That((status.LocalNodeState, status.NodeId, status.ControlAvailable), Is.EqualTo(("active", nodeId, true)));
        var swarm = await Backend.InspectAsync(Cancellation);
        Assert.That(swarm.TryGetProperty("ID", out _), $"the swarm has an ID: {swarm}");
        await ConformanceAssert.ThrowsBerthAsync(InitAsync, BerthErrorKind.Unavailable);
    }

    [Test]
    public async Task Secret_CreatedReadListedRemoved_RemovedTwiceNotFound()
    {
        await InitAsync();
        var id = await CreateSecretAsync("kit-secret");

        var byName = await Backend.GetAsync("secrets", "kit-secret", Cancellation);
        var list = await Backend.ListAsync("secrets", NoFilters, Cancellation);
        await Backend.RemoveAsync("secrets", id, force: false, Cancellation);

        Assert.That(byName.GetProperty("ID").GetString(), Is.EqualTo(id), "Get finds an object by name as by id");
        Assert.That(list.EnumerateArray().Select(s => s.GetProperty("ID").GetString()), Does.Contain(id));
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.GetAsync("secrets", id, Cancellation), BerthErrorKind.NotFound);
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.RemoveAsync("secrets", id, force: false, Cancellation), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Create_NameTaken_Conflict()
    {
        await InitAsync();
        await CreateSecretAsync("kit-twice");

        await ConformanceAssert.ThrowsBerthAsync(() => CreateSecretAsync("kit-twice"), BerthErrorKind.Conflict);
    }

    [Test]
    public async Task UpdateObject_StaleVersion_Refused()
    {
        await InitAsync();
        var id = await CreateSecretAsync("kit-versioned");
        var current = await Backend.GetAsync("secrets", id, Cancellation);
        var version = current.GetProperty("Version").GetProperty("Index").GetInt64();
        var labelled = JsonSerializer.SerializeToElement(new { Name = "kit-versioned", Labels = new Dictionary<string, string> { ["kit"] = "1" } });

        await Backend.UpdateObjectAsync("secrets", id, version, labelled, Cancellation);

        Assert.That((await Backend.GetAsync("secrets", id, Cancellation)).GetProperty("Spec").GetProperty("Labels").GetProperty("kit").GetString(), Is.EqualTo("1"));
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.UpdateObjectAsync("secrets", id, version, labelled, Cancellation));
    }

    [Test]
    public async Task Restart_NewProcessOverTheSameRoot_StillInTheSwarmWithItsObjects()
    {
        var nodeId = await InitAsync();
        var id = await CreateSecretAsync("kit-kept");
        await StopBackendAsync();

        await NewBackendAsync();

        Assert.That(await Eventually(async () => (await Backend.GetStatusAsync(Cancellation)).ControlAvailable), "the node resumes as a manager");
        Assert.That((await Backend.GetStatusAsync(Cancellation)).NodeId, Is.EqualTo(nodeId));
        Assert.That((await Backend.GetAsync("secrets", "kit-kept", Cancellation)).GetProperty("ID").GetString(), Is.EqualTo(id));
    }

    [Test]
    public async Task Leave_Forced_InactiveAgainAndAnotherInitWorks()
    {
        await InitAsync();
        await CreateSecretAsync("kit-gone");

        await Backend.LeaveAsync(force: true, Cancellation);

        Assert.That((await Backend.GetStatusAsync(Cancellation)).LocalNodeState, Is.EqualTo("inactive"));
        await InitAsync();
        await ConformanceAssert.ThrowsBerthAsync(() => Backend.GetAsync("secrets", "kit-gone", Cancellation), BerthErrorKind.NotFound);
    }

    /// <summary>Polls <paramref name="condition"/> for up to 30 s (a resumed manager takes a moment to lead again).</summary>
    private async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200, Cancellation))
        {
            try
            {
                if (await condition()) return true;
            }
            catch (BerthException)
            {
                // not ready yet (a resumed node answers Unavailable until it leads)
            }
        }
        return false;
    }
}
