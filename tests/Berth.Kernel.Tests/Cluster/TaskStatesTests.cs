using Berth.Kernel.Cluster;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster;

public class TaskStatesTests
{
    [Test]
    public void Comparer_ShuffledStates_SortsInSwarmkitOrder()
    {
        string[] expected =
        [
            "new", "pending", "assigned", "accepted", "preparing", "ready", "starting", "running",
            "complete", "shutdown", "failed", "rejected", "remove", "orphaned",
        ];
        var shuffled = expected.Reverse().Concat(["running", "new"]).ToList();

        var sorted = shuffled.Order(TaskStates.Comparer).Distinct().ToList();

        Assert.That(sorted, Is.EqualTo(expected));
    }

    [TestCase("ready", "running", -1)]
    [TestCase("shutdown", "complete", 1)]
    [TestCase("failed", "shutdown", 1)]
    [TestCase("rejected", "failed", 1)]
    [TestCase("remove", "rejected", 1)]
    [TestCase("running", "running", 0)]
    public void Comparer_TwoStates_OrdersByRank(string a, string b, int sign)
    {
        Assert.That(Math.Sign(TaskStates.Comparer.Compare(a, b)), Is.EqualTo(sign));
    }

    [Test]
    public void Rank_UnknownName_ComesBeforeNew()
    {
        Assert.That(TaskStates.Rank("bogus"), Is.EqualTo(-1));
        Assert.That(TaskStates.Comparer.Compare("bogus", "new"), Is.LessThan(0));
    }

    [TestCase("running", false)]
    [TestCase("complete", true)]
    [TestCase("shutdown", true)]
    [TestCase("rejected", true)]
    [TestCase("orphaned", true)]
    public void IsTerminal_State_TrueFromCompleteOn(string state, bool terminal)
    {
        Assert.That(TaskStates.IsTerminal(state), Is.EqualTo(terminal));
    }

    [Test]
    public void Max_TwoObservations_TheLaterWins()
    {
        Assert.That(TaskStates.Max("running", "assigned"), Is.EqualTo("running"));
        Assert.That(TaskStates.Max("preparing", "failed"), Is.EqualTo("failed"));
    }
}
