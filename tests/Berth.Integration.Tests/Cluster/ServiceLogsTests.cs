using System.Collections.Concurrent;
using System.Diagnostics;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary><c>docker service logs</c> gathers the tasks' logs from every node through the managers' log broker.</summary>
[TestFixture]
public sealed class ServiceLogsTests
{
    private static readonly string[] Ticker = ["sh", "-c", "i=0; while true; do echo \"tick $i from $(hostname)\"; i=$((i+1)); sleep 1; done"];

    [Test]
    public async Task ServiceLogs_OneManagerTwoWorkers_ShowsEveryNodesTasksWithMobysPrefix_FollowDeliversNewLines()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 1, workers: 2);
        var create = await cluster.Docker(0, ["service", "create", "--detach", "--name", "s", "--replicas", "3", SwarmCluster.Image, .. Ticker]);
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var running = await cluster.WaitForRunningAsync(0, "s", 3, TimeSpan.FromSeconds(60));
        Assert.That(running.Distinct().Count(), Is.EqualTo(3), string.Join(",", running));

        CommandResult logs = default!;
        Assert.That(await Processes.EventuallyAsync(async () =>
        {
            logs = await cluster.Docker(0, "service", "logs", "s");
            return logs.ExitCode == 0 && Enumerable.Range(0, 3).All(i => Lines(logs.Stdout, cluster.Hostname(i)).Any());
        }, TimeSpan.FromSeconds(40)), $"a line from each node: {logs}");
        foreach (var line in logs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Assert.That(line, Does.Match(@"^s\.[1-3]\.[0-9a-z]{12}@\S+\s+\| tick \d+ from "), line);

        var tail = await cluster.Docker(0, "service", "logs", "--tail", "1", "--timestamps", "s");
        Assert.That(tail.ExitCode, Is.Zero, tail.ToString());
        var tailLines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(tailLines, Has.Length.EqualTo(3), tail.ToString());
        Assert.That(tailLines, Is.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z s\.[1-3]\."), tail.ToString());

        var onWorker = Lines(logs.Stdout, cluster.Hostname(1)).First();
        var taskId = onWorker.Split('@')[0].Split('.')[2];
        var task = await cluster.Docker(0, "service", "logs", "--raw", "--no-task-ids", taskId);
        Assert.That(task.ExitCode, Is.Zero, task.ToString());
        Assert.That(task.Stdout, Does.Contain($"from "), task.ToString());
        Assert.That(task.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.LastIndexOf(' ') + 1)..]).Distinct().Count(), Is.EqualTo(1), task.ToString());

        var fromWorker = await cluster.Docker(1, "service", "logs", "s");
        Assert.That(fromWorker.ExitCode, Is.Not.Zero, fromWorker.ToString());
        Assert.That(fromWorker.Stderr, Does.Contain("This node is not a swarm manager"), fromWorker.ToString());

        var followed = await FollowAsync(cluster[0], TimeSpan.FromSeconds(20), cluster.Hostname(1), cluster.Hostname(2), "--follow", "--tail", "0", "s");
        Assert.That(followed.Found, Is.True, $"lines printed after --follow started, from both workers: {string.Join("\n", followed.Lines)}");
    }

    [Test]
    public async Task ServiceLogs_WorkerStopped_EndsInBoundedTimeWithTheLogsItGotAndMobysWarning()
    {
        await using var cluster = await SwarmCluster.StartAsync(2);
        await cluster.FormAsync(managers: 1, workers: 1);
        var create = await cluster.Docker(0, ["service", "create", "--detach", "--name", "s", "--replicas", "2", SwarmCluster.Image, .. Ticker]);
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var running = await cluster.WaitForRunningAsync(0, "s", 2, TimeSpan.FromSeconds(60));
        Assert.That(running.Distinct().Count(), Is.EqualTo(2), string.Join(",", running));

        await cluster.StopAsync(1);
        var started = DateTime.UtcNow;
        var logs = await Processes.RunAsync(DockerCli.Path, ["service", "logs", "s"], cluster[0].DockerEnv, TimeSpan.FromSeconds(45));

        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(30)), logs.ToString());
        Assert.That(Lines(logs.Stdout, cluster.Hostname(0)).Any(), logs.ToString());
        Assert.That(logs.Stderr, Does.Contain("warning: incomplete log stream. some logs could not be retrieved for the following reasons: node "), logs.ToString());
        Assert.That(logs.Stderr, Does.Contain(" is not available"), logs.ToString());
    }

    /// <summary>Runs <c>docker service logs</c> until a line from each of <paramref name="hosts"/> arrived (or the time is up), then interrupts it as Ctrl-C would.</summary>
    private static async Task<(bool Found, IReadOnlyList<string> Lines)> FollowAsync(BerthdInstance node, TimeSpan within, string host1, string host2, params string[] args)
    {
        var start = new ProcessStartInfo(DockerCli.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("service");
        start.ArgumentList.Add("logs");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in node.DockerEnv) start.Environment[key] = value;
        var lines = new ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lines.Enqueue(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lines.Enqueue("stderr: " + e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var found = await Processes.EventuallyAsync(() => Lines(string.Join("\n", lines), host1).Any() && Lines(string.Join("\n", lines), host2).Any(), within);
            return (found, lines.ToList());
        }
        finally
        {
            if (!process.HasExited)
            {
                _ = await Processes.RunAsync("kill", ["-INT", process.Id.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(exit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }
            }
        }
    }

    private static IEnumerable<string> Lines(string output, string host) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains($"@{host} ", StringComparison.Ordinal) && l.Contains("| tick", StringComparison.Ordinal));
}
