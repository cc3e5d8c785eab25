using System.Diagnostics;
using System.Security.Cryptography;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Plugins.V1;

/// <summary>
/// Docker v1 plugins (HTTP on a unix socket in /run/docker/plugins) serving as Berth's log, IPAM and network drivers,
/// driven by the stock docker CLI; a second plugin hangs to show the per-call timeout. Everything the fixture makes —
/// sockets, containers, networks, veths — is removed after it, also when a test fails.
/// </summary>
[TestFixture]
public sealed class V1PluginCliTests
{
    private const string Image = "bb:1";
    private const int CallTimeoutSeconds = 5;

    private BerthdInstance daemon = null!;
    private TestV1Plugin plugin = null!;
    private TestV1Plugin hanging = null!;
    private TestV1Plugin writeOnly = null!;
    private readonly string suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    private string Name(string what) => $"it-v1-{what}-{suffix}";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        plugin = await TestV1Plugin.StartAsync(Name("plug"));
        hanging = await TestV1Plugin.StartAsync(Name("hang"), hang: ["LogDriver.StartLogging", "NetworkDriver.CreateNetwork"]);
        writeOnly = await TestV1Plugin.StartAsync(Name("wo"), readLogs: false);
        daemon = await BerthdInstance.StartAsync("--plugin-call-timeout", CallTimeoutSeconds.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        var import = await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, Image);
        Assert.That(import.ExitCode, Is.Zero, import.ToString());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (daemon is not null)
        {
            foreach (var container in new[] { Name("log"), Name("hung"), Name("cached") }) await daemon.DockerAsync("rm", "-f", container);
            foreach (var network in new[] { Name("net"), Name("brnet"), Name("hungnet") }) await daemon.DockerAsync("network", "rm", network);
            await daemon.DisposeAsync();
        }
        if (plugin is not null) await plugin.DisposeAsync();
        if (hanging is not null) await hanging.DisposeAsync();
        if (writeOnly is not null) await writeOnly.DisposeAsync();
    }

    private Task<CommandResult> Docker(params string[] args) => daemon.DockerAsync(args);

    [Test, Order(1)]
    public async Task Run_LogDriverIsV1Plugin_PluginWritesTheContainersLines()
    {
        var run = await Docker("run", "--name", Name("log"), "--log-driver", plugin.Name, "--log-opt", "tag=x", Image, "sh", "-c", "echo one; echo two >&2; echo three");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var id = (await Docker("inspect", "-f", "{{.Id}}", Name("log"))).Stdout.Trim();

        Assert.That(await Processes.EventuallyAsync(() => plugin.LogOf(id).Split('\n').Length > 3, TimeSpan.FromSeconds(10)), plugin.LogOf(id));
        // stdout and stderr come through separate pipes: their order is kept within each stream only.
        var lines = plugin.LogOf(id).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Where(l => l.StartsWith("stdout: ", StringComparison.Ordinal)), Is.EqualTo(new[] { "stdout: one", "stdout: three" }));
        Assert.That(lines.Where(l => l.StartsWith("stderr: ", StringComparison.Ordinal)), Is.EqualTo(new[] { "stderr: two" }));
        var start = plugin.Calls.First(c => c.Method == "LogDriver.StartLogging").Body;
        Assert.That(start, Does.Contain($"\"ContainerID\":\"{id}\"").And.Contain("\"tag\":\"x\""));
        Assert.That(plugin.Methods, Does.Contain("LogDriver.StopLogging"));
        Assert.That(plugin.Methods.First(), Is.EqualTo("Plugin.Activate"), "activated lazily, on first use");
    }

    [Test, Order(2)]
    public async Task Logs_V1PluginCanReadLogs_DockerLogsShowsWhatThePluginReturns()
    {
        var logs = await Docker("logs", Name("log"));

        Assert.That(logs.ExitCode, Is.Zero, logs.ToString());
        Assert.That(logs.Stdout, Is.EqualTo("one\nthree\n"));
        Assert.That(logs.Stderr, Is.EqualTo("two\n"));
        Assert.That(plugin.Methods, Does.Contain("LogDriver.ReadLogs"));
    }

    [Test]
    public async Task Logs_V1PluginCannotReadLogs_DockerLogsReadsTheLocalCache()
    {
        var run = await Docker("run", "--name", Name("cached"), "--log-driver", writeOnly.Name, Image, "sh", "-c", "echo cached-line");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var id = (await Docker("inspect", "-f", "{{.Id}}", Name("cached"))).Stdout.Trim();

        var logs = await Docker("logs", Name("cached"));

        Assert.That(logs.ExitCode, Is.Zero, logs.ToString());
        Assert.That(logs.Stdout, Is.EqualTo("cached-line\n"), "dual logging: the daemon's local cache answers");
        Assert.That(await Processes.EventuallyAsync(() => writeOnly.LogOf(id) == "stdout: cached-line\n", TimeSpan.FromSeconds(10)), writeOnly.LogOf(id));
        Assert.That(writeOnly.Methods, Does.Not.Contain("LogDriver.ReadLogs"));
    }

    [Test]
    public async Task Run_OnNetworkOfV1DriverAndIpam_ContainerGetsThePluginsAddressAndInterface()
    {
        var create = await Docker("network", "create", "-d", plugin.Name, "--ipam-driver", plugin.Name, "--subnet", "10.231.91.0/24", Name("net"));
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var inspect = await Docker("network", "inspect", "-f", "{{.Driver}} {{.IPAM.Driver}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", Name("net"));
        Assert.That(inspect.Stdout.Trim(), Is.EqualTo($"{plugin.Name} {plugin.Name} 10.231.91.0/24 10.231.91.1"));

        var run = await Docker("run", "--rm", "--network", Name("net"), Image, "ip", "-4", "-o", "addr", "show", "eth0");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stdout, Does.Contain("inet 10.231.91.2/24"));
        Assert.That(plugin.Methods, Is.SupersetOf(new[] { "IpamDriver.RequestPool", "IpamDriver.RequestAddress", "NetworkDriver.CreateNetwork", "NetworkDriver.CreateEndpoint", "NetworkDriver.Join" }));
        Assert.That(await Processes.EventuallyAsync(() => plugin.Methods.Contains("NetworkDriver.DeleteEndpoint"), TimeSpan.FromSeconds(10)), "the endpoint is deleted when the container goes");
        Assert.That(plugin.Veths, Is.Empty);

        var rm = await Docker("network", "rm", Name("net"));
        Assert.That(rm.ExitCode, Is.Zero, rm.ToString());
        Assert.That(plugin.Methods, Is.SupersetOf(new[] { "NetworkDriver.DeleteNetwork", "IpamDriver.ReleasePool" }));
    }

    [Test]
    public async Task NetworkCreate_BridgeWithV1Ipam_UsesThePluginsPool()
    {
        var create = await Docker("network", "create", "--ipam-driver", plugin.Name, "--subnet", "10.231.92.0/24", Name("brnet"));
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        try
        {
            var run = await Docker("run", "--rm", "--network", Name("brnet"), Image, "ip", "-4", "-o", "addr", "show", "eth0");

            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(run.Stdout, Does.Contain("inet 10.231.92.2/24"));
            Assert.That(plugin.Calls.Any(c => c.Method == "IpamDriver.RequestPool" && c.Body.Contains("10.231.92.0/24", StringComparison.Ordinal) && c.Body.Contains("\"v1local\"", StringComparison.Ordinal)),
                "RequestPool names the plugin's own local address space (GetDefaultAddressSpaces), as libnetwork does");
        }
        finally
        {
            await Docker("network", "rm", Name("brnet"));
        }
    }

    [Test]
    public async Task Run_V1LogPluginHangs_FailsWith504NamingPluginMethodAndTimeout()
    {
        var watch = Stopwatch.StartNew();
        var run = await Docker("run", "--name", Name("hung"), "--log-driver", hanging.Name, Image, "true");

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Stderr, Does.Contain($"plugin {hanging.Name} did not answer LogDriver.StartLogging within {CallTimeoutSeconds}s"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(CallTimeoutSeconds + 20)));
        var version = await Docker("version", "--format", "{{.Server.APIVersion}}");
        Assert.That(version.ExitCode, Is.Zero, "the daemon keeps answering");
    }

    [Test]
    public async Task NetworkCreate_V1DriverHangs_FailsWithTimeoutAndReleasesThePool()
    {
        var create = await Docker("network", "create", "-d", hanging.Name, "--ipam-driver", hanging.Name, "--subnet", "10.231.93.0/24", Name("hungnet"));

        Assert.That(create.ExitCode, Is.Not.Zero);
        Assert.That(create.Stderr, Does.Contain($"plugin {hanging.Name} did not answer NetworkDriver.CreateNetwork within {CallTimeoutSeconds}s"));
        Assert.That(hanging.Methods, Does.Contain("IpamDriver.ReleasePool"), "the pool is given back when the driver fails");
        Assert.That((await Docker("network", "inspect", Name("hungnet"))).ExitCode, Is.Not.Zero);

        using var api = RawApi.Create(daemon.Socket);
        using var body = new StringContent($"{{\"Name\":\"{Name("hungnet")}\",\"Driver\":\"{hanging.Name}\"}}", global::System.Text.Encoding.UTF8, "application/json");
        using var response = await api.PostAsync("/v1.47/networks/create", body);
        Assert.That((int)response.StatusCode, Is.EqualTo(504), "a hung plugin is a gateway timeout");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("did not answer NetworkDriver.CreateNetwork"));
    }

    [Test]
    public async Task VolumeCreate_DriverIsV1Plugin_FailsNamingTheMissingSupport()
    {
        var create = await Docker("volume", "create", "-d", plugin.Name, Name("vol"));

        Assert.That(create.ExitCode, Is.Not.Zero);
        Assert.That(create.Stderr, Does.Contain($"volume plugin \"{plugin.Name}\" was found ({plugin.Socket}) but Berth does not support volume driver plugins yet"));
    }

    [Test]
    public async Task Run_DaemonLogDriverIsV1Plugin_ContainersLogThroughItByDefault()
    {
        await using var other = await BerthdInstance.StartAsync("--log-driver", plugin.Name);
        Assert.That((await other.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);

        var info = await other.DockerAsync("info", "--format", "{{.LoggingDriver}}");
        var run = await other.DockerAsync("run", "--name", Name("default"), Image, "echo", "by-default");
        var id = (await other.DockerAsync("inspect", "-f", "{{.Id}} {{.HostConfig.LogConfig.Type}}", Name("default"))).Stdout.Trim().Split(' ');

        Assert.That(info.Stdout.Trim(), Is.EqualTo(plugin.Name));
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(id[1], Is.EqualTo(plugin.Name));
        Assert.That(await Processes.EventuallyAsync(() => plugin.LogOf(id[0]).Length > 0, TimeSpan.FromSeconds(10)));
        Assert.That(plugin.LogOf(id[0]), Is.EqualTo("stdout: by-default\n"));
        await other.DockerAsync("rm", "-f", Name("default"));
    }

    [Test]
    public async Task Run_LogDriverNamesNoPlugin_StillRejected()
    {
        var run = await Docker("run", "--rm", "--log-driver", Name("absent"), Image, "true");

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Stderr, Does.Contain($"no log driver named '{Name("absent")}' is registered"));
    }
}
