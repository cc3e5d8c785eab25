using System.Runtime.Versioning;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

// The kit makes FIFOs: it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Examples.DailyLog.Tests;

/// <summary>Berth's conformance kit for log drivers, run on daily-log with and without its retention option.</summary>
[TestFixture]
public sealed class DailyLogConformanceTests : LogDriverConformance
{
    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<ILogDriver>(new DailyLogDriver(ConformanceKernelHost.Context("daily-log", root)));
}

[TestFixture]
public sealed class DailyLogWithRetentionConformanceTests : LogDriverConformance
{
    protected override IReadOnlyDictionary<string, string> LogOptions => new Dictionary<string, string> { ["max-days"] = "7" };

    protected override IReadOnlyDictionary<string, string>? InvalidLogOptions => new Dictionary<string, string> { ["max-days"] = "0" };

    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<ILogDriver>(new DailyLogDriver(ConformanceKernelHost.Context("daily-log", root)));
}
