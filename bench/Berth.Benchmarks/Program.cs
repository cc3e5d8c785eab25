using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Berth.Benchmarks;

// `dotnet run -c Release --project bench/Berth.Benchmarks -- --filter '*'` runs everything;
// results land in $BERTH_BENCH_RESULTS (default: a temp folder) unless --artifacts says otherwise.
var results = Environment.GetEnvironmentVariable("BERTH_BENCH_RESULTS") is { Length: > 0 } configured
    ? configured
    : Path.Combine(Path.GetTempPath(), "berth-bench-results");
var config = DefaultConfig.Instance.WithArtifactsPath(results);
BenchmarkSwitcher.FromAssembly(typeof(PluginRoundTrip).Assembly).Run(args, config);
