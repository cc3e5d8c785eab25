using System.Net;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.System;

[TestFixture]
public sealed class SystemEndpointsTests
{
    private BerthdInstance daemon = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => daemon = await BerthdInstance.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await daemon.DisposeAsync();

    [Test]
    public async Task DockerVersion_PublishedDaemon_ShowsBerthServerAndApi150()
    {
        var result = await daemon.DockerAsync("version", "--format", "{{.Server.Platform.Name}}|{{.Server.APIVersion}}|{{.Server.MinAPIVersion}}");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Trim(), Does.StartWith("Berth ").And.EndWith("|1.50|1.24"));
    }

    [Test]
    public async Task DockerInfo_DefaultConfig_ReportsDriversFromPluginProcesses()
    {
        var result = await daemon.DockerAsync("info", "--format", "{{.Driver}}|{{.LoggingDriver}}|{{json .DriverStatus}}|{{json .Plugins.Log}}");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var parts = result.Stdout.Trim().Split('|');
        Assert.That(parts[0], Is.EqualTo("overlay2"));
        Assert.That(parts[1], Is.EqualTo("json-file"));
        Assert.That(parts[2], Does.Contain("Backing Filesystem"), "the status comes from the overlay plugin's GraphDriver.Status");
        Assert.That(parts[3], Does.Contain("json-file"));
    }

    [Test]
    public async Task DockerDotNet_VersionAndInfo_MatchTheCli()
    {
        using var client = daemon.Client();
        var version = await client.System.GetVersionAsync();
        var info = await client.System.GetSystemInfoAsync();
        Assert.That(version.APIVersion, Is.EqualTo("1.50"));
        Assert.That(info.Driver, Is.EqualTo("overlay2"));
        Assert.That(info.LoggingDriver, Is.EqualTo("json-file"));
        Assert.That(info.DockerRootDir, Is.EqualTo(daemon.DataRoot));
    }

    [TestCase("/_ping")]
    [TestCase("/v1.50/version")]
    [TestCase("/v1.24/version")]
    [TestCase("/version")]
    public async Task Get_SupportedPrefixes_AnswerWithDockerHeaders(string path)
    {
        using var http = RawApi.Create(daemon.Socket);
        using var response = await http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Api-Version").Single(), Is.EqualTo("1.50"));
        Assert.That(response.Headers.GetValues("Ostype").Single(), Is.EqualTo("linux"));
        Assert.That(string.Join(" ", response.Headers.GetValues("Server")), Does.Match(@"^Docker/.+\s\(linux\)$"));
    }

    [Test]
    public async Task HeadPing_Always_AnswersEmptyOk()
    {
        using var http = RawApi.Create(daemon.Socket);
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/_ping"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentLength, Is.Zero);
        Assert.That(response.Headers.GetValues("Swarm").Single(), Is.EqualTo("inactive"));
    }

    [TestCase("/v1.99/version", 400, "too new")]
    [TestCase("/v1.12/version", 400, "too old")]
    [TestCase("/no/such/route", 404, "page not found")]
    [TestCase("/v1.50/session", 501, "not supported")]
    [TestCase("/v1.50/nodes", 503, "This node is not a swarm manager")]
    public async Task Get_BadRequests_AnswerDockerJsonErrors(string path, int status, string message)
    {
        using var http = RawApi.Create(daemon.Socket);
        using var response = await http.GetAsync(path);
        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("{\"message\":").And.Contain(message));
    }

    [Test]
    public async Task DockerEvents_SinceZeroUntilNow_ReplaysPluginInstallEvents()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        var result = await daemon.DockerAsync("events", "--since", "0", "--until", until, "--filter", "type=plugin", "--filter", "event=install");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines, Has.All.Contain("plugin install"));
        Assert.That(result.Stdout, Does.Contain("name=json-log:latest"));
    }

    [Test]
    public async Task DockerEvents_BadFilter_IsRefusedWith400()
    {
        var result = await daemon.DockerAsync("events", "--since", "0", "--until", "1", "--filter", "color=red");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("invalid filter 'color'"));
    }
}
