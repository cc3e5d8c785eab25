using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace Berth.Benchmarks;

/// <summary>
/// What Plugin.Ping does on the plugin's side besides the RPC: report the working set. PluginControl reads it
/// with Process.GetCurrentProcess().WorkingSet64, which on Linux reads /proc/self/stat, status, cmdline and the stat file of every
/// thread under /proc/self/task; Environment.WorkingSet and reading /proc/self/statm are measured beside it.
/// </summary>
[Config(typeof(RoundTripConfig))]
public class PingServerCost
{
    private static readonly long PageSize = Environment.SystemPageSize;

    [Benchmark(Baseline = true)]
    public long ProcessWorkingSet64()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>The runtime's own answer, without building a Process object.</summary>
    [Benchmark]
    public long EnvironmentWorkingSet() => Environment.WorkingSet;

    [Benchmark]
    public long ProcSelfStatm()
    {
        // "size resident shared text lib data dt", in pages.
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * PageSize;
    }
}
