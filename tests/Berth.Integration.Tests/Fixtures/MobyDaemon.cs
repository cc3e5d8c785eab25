using System.Diagnostics;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// Real Moby (Debian's docker.io dockerd) side by side with Berth: its own data root, exec root and socket, no
/// bridge and no iptables rules, so it touches nothing of the machine. Absent dockerd → the caller skips.
/// </summary>
public sealed class MobyDaemon : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dockerd";
    private readonly Process process;

    private MobyDaemon(Process process, string root)
    {
        this.process = process;
        Root = root;
    }

    public string Root { get; }
    public string Socket => Path.Combine(Root, "docker.sock");
    public static bool Installed => File.Exists(Binary);

    public static async Task<MobyDaemon> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("berth-moby.").FullName;
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            "--data-root", Path.Combine(root, "data"), "--exec-root", Path.Combine(root, "exec"), "--pidfile", Path.Combine(root, "docker.pid"),
            "-H", $"unix://{Path.Combine(root, "docker.sock")}", "--bridge=none", "--iptables=false", "--ip-masq=false", "--ip6tables=false",
            "--storage-driver=overlay2",
        }) start.ArgumentList.Add(arg);
        var moby = new MobyDaemon(Process.Start(start)!, root);
        _ = moby.process.StandardOutput.ReadToEndAsync();
        var log = moby.process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (moby.process.HasExited)
            {
                await moby.DisposeAsync();
                Assert.Fail($"dockerd exited: {await log}");
            }
            if (File.Exists(moby.Socket) && (await moby.DockerAsync("version", "--format", "{{.Server.Version}}")).ExitCode == 0) return moby;
            await Task.Delay(200);
        }
        await moby.DisposeAsync();
        Assert.Fail("dockerd did not answer within 30 s");
        return null!;
    }

    public Task<CommandResult> DockerAsync(params string[] args) =>
        Processes.RunAsync(DockerCli.Path, args, new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{Socket}" }, TimeSpan.FromSeconds(120));

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await Processes.RunAsync("kill", ["-TERM", process.Id.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
        foreach (var mount in (await File.ReadAllLinesAsync("/proc/self/mountinfo")).Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(Root, StringComparison.Ordinal)).OrderByDescending(m => m.Length))
            await Processes.RunAsync("umount", ["-l", mount]);
        Directory.Delete(Root, recursive: true);
    }
}
