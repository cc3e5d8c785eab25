using System.Diagnostics;
using System.Net.Sockets;
using Docker.DotNet;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// A real berthd in a throw-away root: its own socket, data root, exec root and pid file. Disposing stops it by PID
/// and removes everything it made, also when the test failed.
/// </summary>
public sealed class BerthdInstance : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> log;
    private bool rootHandedOver;

    private BerthdInstance(string root, Process process)
    {
        Root = root;
        this.process = process;
        log = Task.Run(() => process.StandardError.ReadToEndAsync());
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public string Root { get; }
    public string Socket => Path.Combine(Root, "berth.sock");
    public string DataRoot => Path.Combine(Root, "data");
    public int Pid => process.Id;

    /// <summary>The UTS name the daemon runs under, when started as a host of a simulated cluster.</summary>
    public string? Hostname { get; private init; }

    /// <summary>The exit code once stopped (0 for a clean shutdown).</summary>
    public int? ExitCode => process.HasExited ? process.ExitCode : null;
    public IReadOnlyDictionary<string, string> DockerEnv => new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{Socket}" };

    public static Task<BerthdInstance> StartAsync(params string[] extraArgs) => StartInAsync(null, extraArgs);

    /// <param name="root">Reuse a root (restart over the same data); null makes a fresh one.</param>
    public static Task<BerthdInstance> StartInAsync(string? root, params string[] extraArgs) => LaunchAsync(root, null, extraArgs);

    /// <summary>A daemon in its own UTS namespace named <paramref name="hostname"/>, as one machine of a simulated cluster.</summary>
    public static Task<BerthdInstance> StartAsHostAsync(string? root, string hostname, params string[] extraArgs) => LaunchAsync(root, hostname, extraArgs);

    private static async Task<BerthdInstance> LaunchAsync(string? root, string? hostname, string[] extraArgs)
    {
        if (!File.Exists(RepoPaths.Berthd))
            Assert.Fail($"{RepoPaths.Berthd} is missing: run `dotnet pwsh ./build.ps1 test` (it publishes first)");
        root ??= Directory.CreateTempSubdirectory("berth-it.").FullName;
        // unshare and sh both exec, so the process started here is berthd itself.
        var start = new ProcessStartInfo(hostname is null ? RepoPaths.Berthd : "unshare")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (hostname is not null)
        {
            foreach (var arg in new[] { "--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\"", hostname, RepoPaths.Berthd })
                start.ArgumentList.Add(arg);
        }
        // Each test daemon's default bridge network gets its own Linux bridge, removed with the daemon (NetworkLeftovers).
        var bridge = extraArgs.Any(a => a is "--bridge" or "-b" || a.StartsWith("--bridge=", StringComparison.Ordinal))
            ? []
            : new[] { "--bridge", DefaultBridgeOf(root) };
        foreach (var arg in new[] { "-H", $"unix://{root}/berth.sock", "--data-root", $"{root}/data", "--exec-root", $"{root}/exec", "--pidfile", $"{root}/berthd.pid" }.Concat(bridge).Concat(extraArgs))
            start.ArgumentList.Add(arg);
        var instance = new BerthdInstance(root, Process.Start(start)!) { Hostname = hostname };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (instance.process.HasExited)
                Assert.Fail($"berthd exited with {instance.process.ExitCode}: {await instance.log}");
            if (await instance.PingsAsync()) return instance;
            await Task.Delay(50);
        }
        await instance.DisposeAsync();
        Assert.Fail("berthd did not answer /_ping within 30 s");
        return null!;
    }

    private async Task<bool> PingsAsync()
    {
        if (!File.Exists(Socket)) return false;
        try
        {
            using var client = Client();
            await client.System.PingAsync();
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException or DockerApiException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The default bridge a test daemon on <paramref name="root"/> gets: the same after a restart on that root.</summary>
    public static string DefaultBridgeOf(string root) =>
        "bit" + Convert.ToHexStringLower(global::System.Security.Cryptography.SHA256.HashData(global::System.Text.Encoding.UTF8.GetBytes(root)))[..8];

    public DockerClient Client() => new DockerClientConfiguration(new Uri($"unix://{Socket}")).CreateClient();

    public Task<CommandResult> DockerAsync(params string[] args) =>
        Processes.RunAsync(DockerCli.Path, args, DockerEnv);

    /// <summary>Plugin host processes (direct children), by the plugin name on their command line.</summary>
    public int? PluginPid(string name) =>
        Processes.Children(Pid).Where(c => c.CommandLine.Contains($"berth-plugin-host {name}", StringComparison.Ordinal)).Select(c => (int?)c.Pid).FirstOrDefault();

    /// <summary>Polls <c>docker plugin inspect</c> until the plugin's Status.State is <paramref name="state"/> (20 s at most).</summary>
    public async Task<bool> WaitForPluginStateAsync(string plugin, string state)
    {
        for (var i = 0; i < 100; i++)
        {
            var result = await DockerAsync("plugin", "inspect", plugin, "--format", "{{.Status.State}}");
            if (result.Stdout.Trim() == state) return true;
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>Stops this daemon and starts a new one on the same root (the data survives); dispose the new one.</summary>
    public async Task<BerthdInstance> RestartAsync(params string[] extraArgs)
    {
        await StopAsync();
        rootHandedOver = true;
        return await LaunchAsync(Root, Hostname, extraArgs);
    }

    /// <summary>Stops berthd by its PID (SIGTERM, then SIGKILL) and returns its log.</summary>
    public async Task<string> StopAsync()
    {
        if (!process.HasExited)
        {
            _ = Processes.RunAsync("kill", ["-TERM", Pid.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        return await log;
    }

    public async ValueTask DisposeAsync()
    {
        var children = Processes.Children(Pid).Select(c => c.Pid).ToList();
        var networks = process.HasExited || rootHandedOver ? new NetworkLeftovers() : await NetworkLeftovers.CollectAsync(this);
        networks.Add(DefaultBridgeOf(Root));
        await StopAsync();
        foreach (var child in children)
        {
            try
            {
                using var p = Process.GetProcessById(child);
                p.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone, as it should be.
            }
        }
        process.Dispose();
        if (rootHandedOver) return;
        await ContainerLeftovers.RemoveAsync(Root);
        await networks.RemoveAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A late plugin write; the temp folder is removed on the next run.
        }
    }
}
