using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Berth.Benchmarks;

/// <summary>Short in-process runs: the whole suite has to finish in a few minutes on two cores.</summary>
public class RoundTripConfig : ManualConfig
{
    public RoundTripConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
            .WithId("InProcessShort"));
        AddColumn(StatisticColumn.OperationsPerSecond, StatisticColumn.Median, StatisticColumn.P95);
    }
}

/// <summary>One 64 MiB transfer per iteration, a handful of iterations.</summary>
public class BulkConfig : ManualConfig
{
    public BulkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("InProcessBulk"));
        AddColumn(new ThroughputColumn(), StatisticColumn.Min, StatisticColumn.Max);
    }
}

/// <summary>MiB per second from the benchmark's Megabytes parameter and its mean time.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "MiB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Mebibytes (2^20 bytes) carried per second, from the mean time of one operation";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var stats = summary[benchmarkCase]?.ResultStatistics;
        var megabytes = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Megabytes")?.Value as int?;
        if (stats is null || megabytes is null || stats.Mean <= 0) return "-";
        return (megabytes.Value / (stats.Mean / 1e9)).ToString("N1", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
