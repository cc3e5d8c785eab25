using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Tests.Runtime.Spec;

/// <summary>
/// A busybox rootfs, a bundle and a runc state directory in a temp dir, for running generated specs with the real
/// runc. Disposing deletes every container it started, their cgroups and the temp dir.
/// </summary>
internal sealed class RuncBundle : IAsyncDisposable
{
    public const string CgroupParent = "berth-spec-test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Applets = ["sh", "echo", "cat", "id", "sleep", "ls", "wc", "grep", "env", "pwd", "touch"];
    private readonly List<string> containers = [];

    private RuncBundle(string runc, string directory)
    {
        Runc = runc;
        Directory = directory;
    }

    public string Runc { get; }
    public string Directory { get; }
    public string BundlePath => Path.Combine(Directory, "bundle");
    public string Rootfs => Path.Combine(BundlePath, "rootfs");
    public string State => Path.Combine(Directory, "runc-state");

    /// <summary>The bundle, or null (with the reason) when this machine cannot run it: not root, no runc, no busybox.</summary>
    public static RuncBundle? TryCreate(out string reason)
    {
        reason = "";
        if (Environment.UserName != "root") reason = "needs root";
        var runc = new[] { "/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc" }.FirstOrDefault(File.Exists);
        if (runc is null) reason = "runc is not installed";
        if (!File.Exists("/bin/busybox")) reason = "busybox-static is not installed (/bin/busybox)";
        if (reason.Length > 0) return null;

        var bundle = new RuncBundle(runc!, System.IO.Directory.CreateTempSubdirectory("berth-spec-runc-").FullName);
        var bin = Path.Combine(bundle.Rootfs, "bin");
        System.IO.Directory.CreateDirectory(bin);
        System.IO.Directory.CreateDirectory(bundle.State);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var applet in Applets) File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        var etc = Path.Combine(bundle.Rootfs, "etc");
        System.IO.Directory.CreateDirectory(etc);
        File.WriteAllText(Path.Combine(etc, "passwd"), FakeRootfs.StandardPasswd + "\n");
        File.WriteAllText(Path.Combine(etc, "group"), FakeRootfs.StandardGroup + "\n");
        return bundle;
    }

    /// <summary>A fresh container id; cleaned up on dispose.</summary>
    public string NewId()
    {
        var id = "berth-spec-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        containers.Add(id);
        return id;
    }

    /// <summary>Builds the spec for <paramref name="config"/>/<paramref name="hostConfig"/> on this host and writes config.json.</summary>
    public BuildResult WriteSpec(string id, JsonObject config, JsonObject hostConfig)
    {
        var result = OciSpecBuilder.Build(
            new SpecInputs(id, Rootfs, config, hostConfig, [], $"/{CgroupParent}/{id}", new Dictionary<string, string>()), HostSupport.Current);
        File.WriteAllText(Path.Combine(BundlePath, "config.json"), result.Spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return result;
    }

    /// <summary><c>runc run</c> in the foreground with captured output (no terminal).</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(JsonObject config, JsonObject? hostConfig = null)
    {
        var id = NewId();
        WriteSpec(id, config, hostConfig ?? new JsonObject());
        return await RuncAsync("run", "--bundle", BundlePath, id);
    }

    /// <summary>Starts <c>runc run</c> in the background; the caller kills it (or it is deleted on dispose).</summary>
    public Process Start(string id) => Launch("run", "--bundle", BundlePath, id);

    public async Task<(int ExitCode, string Stdout, string Stderr)> RuncAsync(params string[] args)
    {
        using var process = Launch(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"runc {string.Join(' ', args)} did not finish within {Timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private Process Launch(params string[] args)
    {
        var start = new ProcessStartInfo(Runc)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(State);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Waits until <c>runc state</c> reports the container running (it is started with <see cref="Start"/>).</summary>
    public async Task WaitRunningAsync(string id, Process runc)
    {
        var until = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (exitCode, stdout, _) = await RuncAsync("state", id);
            if (exitCode == 0 && JsonNode.Parse(stdout)?["status"]?.GetValue<string>() == "running") return;
            if (DateTime.UtcNow > until || runc.HasExited) Assert.Fail($"container {id} never ran: {await runc.StandardError.ReadToEndAsync()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The container's memory limit as its cgroup shows it while it runs (v1 memory.limit_in_bytes, v2 memory.max).</summary>
    public static string? MemoryLimitFile(string id)
    {
        var v1 = $"/sys/fs/cgroup/memory/{CgroupParent}/{id}/memory.limit_in_bytes";
        var v2 = $"/sys/fs/cgroup/{CgroupParent}/{id}/memory.max";
        return File.Exists(v1) ? v1 : File.Exists(v2) ? v2 : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in containers)
        {
            try
            {
                await RuncAsync("delete", "--force", id);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
        RemoveCgroups();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>rmdir's our containers' cgroups in every hierarchy (runc removes them; this catches leftovers), then the parent if empty.</summary>
    private void RemoveCgroups()
    {
        foreach (var hierarchy in new[] { "/sys/fs/cgroup" }.Concat(SafeDirectories("/sys/fs/cgroup")))
        {
            var parent = Path.Combine(hierarchy, CgroupParent);
            if (!System.IO.Directory.Exists(parent)) continue;
            foreach (var id in containers) RemoveCgroupTree(Path.Combine(parent, id));
            try
            {
                if (!System.IO.Directory.EnumerateDirectories(parent).Any()) System.IO.Directory.Delete(parent);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void RemoveCgroupTree(string path)
    {
        if (!System.IO.Directory.Exists(path)) return;
        foreach (var child in SafeDirectories(path)) RemoveCgroupTree(child);
        try
        {
            System.IO.Directory.Delete(path); // rmdir: a cgroup's control files go with it
        }
        catch (IOException)
        {
        }
    }

    private static IEnumerable<string> SafeDirectories(string path)
    {
        try
        {
            return System.IO.Directory.EnumerateDirectories(path).Where(d => new DirectoryInfo(d).LinkTarget is null).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
