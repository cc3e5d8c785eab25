using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// Debian's <c>docker-registry</c> (distribution 2.8) on a free 127.0.0.1 port with storage in a temp folder.
/// Disposing kills the process it started, by its PID, and deletes the folder, also when the test failed.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process process;
    private readonly Task<string> log;
    private readonly string root;

    private LocalRegistry(Process process, string root, int port)
    {
        this.process = process;
        this.root = root;
        Port = port;
        log = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary><c>127.0.0.1:PORT</c>, as an image reference's domain.</summary>
    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public int Port { get; }

    public int Pid => process.Id;

    public string StorageDirectory => Path.Combine(root, "data");

    public static async Task<LocalRegistry> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
            Assert.Fail($"{Binary} is missing: apt-get install -y docker-registry");
        string? lastFailure = null;
        // A port found free can be taken before the registry binds it; a fresh one is tried then.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var registry = Launch(FreePort());
            try
            {
                if (await registry.WaitUntilAnsweringAsync(cancellationToken)) return registry;
                lastFailure = await registry.StopAsync();
            }
            catch
            {
                await registry.DisposeAsync();
                throw;
            }
            await registry.DisposeAsync();
        }
        Assert.Fail($"docker-registry did not answer GET /v2/ within {StartTimeout.TotalSeconds} s: {lastFailure}");
        return null!;
    }

    private static LocalRegistry Launch(int port)
    {
        var root = Directory.CreateTempSubdirectory("berth-registry.").FullName;
        try
        {
            var config = Path.Combine(root, "config.yml");
            File.WriteAllText(config, $"""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(root, "data")}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
                  secret: berth-integration-tests
                """);
            var start = new ProcessStartInfo(Binary)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(config);
            return new LocalRegistry(Process.Start(start)!, root, port);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    private async Task<bool> WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited) return false;
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Address}/v2/"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The 2 s per-request timeout.
            }
            await Task.Delay(50, cancellationToken);
        }
        return false;
    }

    /// <summary>Kills the registry (by PID) and returns what it logged.</summary>
    private async Task<string> StopAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        return await log;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    /// <summary>A port nothing listens on right now (also used by tests that want "connection refused").</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
