using Berth.Kernel.Stats;

namespace Berth.Kernel.Tests.Stats;

public class StatsJsonTests
{
    [Test]
    public void ToJson_NotRunning_IsDockersZeroedDocument()
    {
        var doc = DockerCli.Wire(StatsSample.NotRunning.ToJson("c0ffee", "/web", null));

        Assert.That(doc["name"]!.GetValue<string>(), Is.EqualTo("/web"));
        Assert.That(doc["read"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(doc["preread"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(doc["pids_stats"]!.AsObject(), Is.Empty);
        Assert.That(doc["blkio_stats"]!.AsObject().Select(kv => kv.Value).ToList(), Has.Count.EqualTo(8).And.All.Null);
        Assert.That(doc["memory_stats"]!.AsObject(), Is.Empty);
        Assert.That(doc["cpu_stats"]!.ToJsonString(), Is.EqualTo(
            """{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}}"""));
    }

    [Test]
    public void ToJson_NoNameOrId_LeavesThemOut()
    {
        var doc = StatsSample.NotRunning.ToJson("", "", null);

        Assert.That(doc.ContainsKey("name"), Is.False);
        Assert.That(doc.ContainsKey("id"), Is.False);
    }

    [TestCase(0L, "2025-01-16T13:55:22Z")]
    [TestCase(5_000_000L, "2025-01-16T13:55:22.5Z")]
    [TestCase(1_652_436L, "2025-01-16T13:55:22.1652436Z")]
    [TestCase(10L, "2025-01-16T13:55:22.000001Z")]
    public void GoTime_Fraction_IsTrimmedLikeRfc3339Nano(long ticks, string expected)
    {
        var time = new DateTimeOffset(2025, 1, 16, 14, 55, 22, TimeSpan.FromHours(1)).AddTicks(ticks);

        Assert.That(StatsJson.GoTime(time), Is.EqualTo(expected));
    }
}
