using System.Net;
using System.Text.Json;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Plugins.V1;

public class V1PluginClientTests
{
    private static readonly V1PluginAddress Socket = new("foo", new Uri("unix:///run/docker/plugins/foo.sock"), "/run/docker/plugins/foo.sock");

    private static V1PluginClient Client(FakeV1Plugin plugin, TimeProvider? time = null, TimeSpan? timeout = null) =>
        new(Socket, plugin, () => timeout ?? TimeSpan.FromSeconds(30), time ?? new FakeTimeProvider());

    [Test]
    public async Task CallAsync_AnyCall_PostsJsonWithDockerAcceptHeaderToInterfaceMethod()
    {
        var plugin = new FakeV1Plugin().Reply("NetworkDriver.DeleteNetwork", "{}");
        using var client = Client(plugin);

        await client.CallAsync("NetworkDriver.DeleteNetwork", new { NetworkID = "n1" }, CancellationToken.None);

        var sent = plugin.Last("NetworkDriver.DeleteNetwork");
        Assert.That(sent.HttpMethod, Is.EqualTo("POST"));
        Assert.That(sent.Accept, Is.EqualTo("application/vnd.docker.plugins.v1.2+json"));
        Assert.That(sent.Host, Is.EqualTo("plugin.moby.localhost"));
        Assert.That(sent.Body, Is.EqualTo("{\"NetworkID\":\"n1\"}"));
    }

    [Test]
    public async Task CallAsync_NoArguments_SendsEmptyBody()
    {
        var plugin = new FakeV1Plugin("LogDriver");
        using var client = Client(plugin);

        await client.CallAsync("Plugin.Activate", null, CancellationToken.None);

        Assert.That(plugin.Last("Plugin.Activate").Body, Is.Empty);
    }

    [Test]
    public async Task CallAsync_EmptyReplyBody_ReturnsEmptyObject()
    {
        using var client = Client(new FakeV1Plugin().Reply("LogDriver.StopLogging", ""));

        var reply = await client.CallAsync("LogDriver.StopLogging", new { File = "/f" }, CancellationToken.None);

        Assert.That(reply.ValueKind, Is.EqualTo(JsonValueKind.Object));
    }

    [Test]
    public async Task CallAsync_Status500WithErr_ThrowsSystemErrorWithThePluginsMessage()
    {
        using var client = Client(new FakeV1Plugin().Reply("NetworkDriver.CreateNetwork", "{\"Err\":\"vlan 7 is taken\"}", HttpStatusCode.InternalServerError));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("NetworkDriver.CreateNetwork", new { }, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.Message, Is.EqualTo("plugin foo: NetworkDriver.CreateNetwork: vlan 7 is taken"));
    }

    [Test]
    public async Task CallAsync_Status400_ThrowsInvalidParameter()
    {
        using var client = Client(new FakeV1Plugin().Reply("IpamDriver.RequestPool", "{\"Err\":\"bad subnet\"}", HttpStatusCode.BadRequest));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("IpamDriver.RequestPool", new { }, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Kind.ToHttpStatus(), Is.EqualTo(400));
    }

    [Test]
    public async Task CallAsync_ErrorBodyNotJson_UsesTheTextAsMessage()
    {
        using var client = Client(new FakeV1Plugin().Reply("LogDriver.StartLogging", "panic: boom\n", HttpStatusCode.InternalServerError));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("LogDriver.StartLogging", new { }, CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("plugin foo: LogDriver.StartLogging: panic: boom"));
    }

    [Test]
    public async Task CallAsync_Status404_ThrowsMethodNotFoundAsNotImplemented()
    {
        using var client = Client(new FakeV1Plugin());

        var ex = await Wait.ThrowsAsync<V1MethodNotFoundException>(() => client.CallAsync("LogDriver.ReadLogs", new { }, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
        Assert.That(ex.Message, Is.EqualTo("plugin foo does not implement LogDriver.ReadLogs"));
    }

    [TestCase("{\"Err\":\"no space\"}")]
    [TestCase("{\"Error\":\"no space\"}")]
    public async Task CallAsync_Status200WithError_Throws(string reply)
    {
        using var client = Client(new FakeV1Plugin().Reply("IpamDriver.RequestAddress", reply));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("IpamDriver.RequestAddress", new { }, CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("plugin foo: IpamDriver.RequestAddress: no space"));
    }

    [Test]
    public async Task CallAsync_Status200WithEmptyErr_Succeeds()
    {
        using var client = Client(new FakeV1Plugin().Reply("LogDriver.StopLogging", "{\"Err\":\"\"}"));

        var reply = await client.CallAsync("LogDriver.StopLogging", new { }, CancellationToken.None);

        Assert.That(reply.GetProperty("Err").GetString(), Is.Empty);
    }

    [Test]
    public async Task CallAsync_ReplyNotJson_ThrowsSystemError()
    {
        using var client = Client(new FakeV1Plugin().Reply("NetworkDriver.Join", "<html>"));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("NetworkDriver.Join", new { }, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.Message, Does.StartWith("plugin foo: NetworkDriver.Join: the reply is not JSON"));
    }

    [Test]
    public async Task CallAsync_PluginHangs_TimesOutWith504NamingPluginMethodAndLimit()
    {
        var time = new FakeTimeProvider();
        using var client = Client(new FakeV1Plugin().Hang("LogDriver.StopLogging"), time, TimeSpan.FromSeconds(30));

        var call = client.CallAsync("LogDriver.StopLogging", new { File = "/f" }, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(20);
        Assert.That(call.IsCompleted, Is.False, "not before the deadline");
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Wait.ThrowsAsync<BerthException>(() => call);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Timeout));
        Assert.That(ex.Kind.ToHttpStatus(), Is.EqualTo(504));
        Assert.That(ex.Message, Is.EqualTo("plugin foo did not answer LogDriver.StopLogging within 30s (plugin-call-timeout)"));
    }

    [Test]
    public async Task CallAsync_TimeoutChangedBetweenCalls_UsesTheCurrentValue()
    {
        var time = new FakeTimeProvider();
        var limit = TimeSpan.FromSeconds(30);
        using var client = new V1PluginClient(Socket, new FakeV1Plugin().Hang("LogDriver.StopLogging"), () => limit, time);
        limit = TimeSpan.FromSeconds(2);

        var call = client.CallAsync("LogDriver.StopLogging", new { }, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));

        var ex = await Wait.ThrowsAsync<BerthException>(() => call);
        Assert.That(ex.Message, Does.EndWith("within 2s (plugin-call-timeout)"));
    }

    [Test]
    public async Task CallAsync_CallerCancels_ThrowsOperationCanceledNotTimeout()
    {
        using var client = Client(new FakeV1Plugin().Hang("LogDriver.StopLogging"));
        using var cancel = new CancellationTokenSource();

        var call = client.CallAsync("LogDriver.StopLogging", new { }, cancel.Token);
        await cancel.CancelAsync();

        Assert.That(await Wait.ThrowsAsync<OperationCanceledException>(() => call), Is.Not.Null);
    }

    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "Connection refused (plugin.moby.localhost:80)", new IOException("Connection refused"));

    [Test]
    public async Task CallAsync_PluginUnreachableUntilDeadline_Throws503NamingTheAddressAfterRetrying()
    {
        var time = new FakeTimeProvider();
        var plugin = new FakeV1Plugin().On("LogDriver.StopLogging", (_, _) => throw Refused());
        using var client = Client(plugin, time, TimeSpan.FromSeconds(30));

        var call = client.CallAsync("LogDriver.StopLogging", new { }, CancellationToken.None);
        for (var i = 0; i < 30 && !call.IsCompleted; i++)
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var ex = await Wait.ThrowsAsync<BerthException>(() => call);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(ex.Message, Is.EqualTo("plugin foo is not reachable at unix:///run/docker/plugins/foo.sock (retried LogDriver.StopLogging for 30s): Connection refused"));
        Assert.That(plugin.Count("LogDriver.StopLogging"), Is.InRange(4, 6), "backoff 1, 2, 4, 8, 16 s");
    }

    [Test]
    public async Task CallAsync_ConnectionFailsThenPluginComesUp_RetriesAndSucceeds()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var plugin = new FakeV1Plugin().On("LogDriver.StopLogging", (_, _) =>
            ++attempts < 3 ? throw Refused() : Task.FromResult(FakeV1Plugin.Response(HttpStatusCode.OK, "{}")));
        using var client = Client(plugin, time);

        var call = client.CallAsync("LogDriver.StopLogging", new { }, CancellationToken.None);
        await Wait.Eventually(() => attempts == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.Eventually(() => attempts == 2);
        time.Advance(TimeSpan.FromSeconds(2));

        await Wait.Within(call);
        Assert.That(attempts, Is.EqualTo(3));
    }

    [Test]
    public async Task CallAsync_RequestFailsAfterConnecting_IsNotRetried()
    {
        var plugin = new FakeV1Plugin().On("NetworkDriver.CreateNetwork", (_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "response ended"));
        using var client = Client(plugin);

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.CallAsync("NetworkDriver.CreateNetwork", new { }, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(plugin.Count("NetworkDriver.CreateNetwork"), Is.EqualTo(1));
    }

    [Test]
    public async Task StreamAsync_SlowStream_HasNoDeadline()
    {
        var time = new FakeTimeProvider();
        var answer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = Client(new FakeV1Plugin().On("LogDriver.ReadLogs", (_, _) => answer.Task), time, TimeSpan.FromSeconds(1));

        var call = client.StreamAsync("LogDriver.ReadLogs", new { }, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(20);
        Assert.That(call.IsCompleted, Is.False);
        answer.SetResult(FakeV1Plugin.Response(HttpStatusCode.OK, "frames"));

        await using var stream = await Wait.Within(call);
        using var reader = new StreamReader(stream);
        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo("frames"));
    }

    [Test]
    public async Task StreamAsync_ErrorStatus_ThrowsThePluginsError()
    {
        using var client = Client(new FakeV1Plugin().Reply("LogDriver.ReadLogs", "{\"Err\":\"no such container\"}", HttpStatusCode.InternalServerError));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.StreamAsync("LogDriver.ReadLogs", new { }, CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("plugin foo: LogDriver.ReadLogs: no such container"));
    }
}
