using Berth.Kernel.Images.Content;
using System.Net;
using System.Text;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.References;
using Berth.Sdk;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Images.Distribution;

/// <summary>The token-server and auth-challenge flow, against <see cref="StubRegistryHandler"/> (no token server exists here).</summary>
public class RegistryClientAuthTests
{
    private const string Realm = "https://auth.test/token";
    private static readonly ImageReference App = ImageReference.Parse("registry.test/acc/app:1");
    private static readonly byte[] ManifestBytes = TestManifests.Manifest();
    private static readonly RegistryCredentials Alice = new("alice", "secret");

    private FakeTimeProvider time = null!;

    [SetUp]
    public void SetUp() => time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static HttpResponseMessage Manifest()
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(ManifestBytes) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", MediaTypes.OciManifest);
        return response;
    }

    /// <summary>A registry that wants a bearer token from <see cref="Realm"/>; the token server hands out tok-1, tok-2, …</summary>
    private static StubRegistryHandler BearerRegistry(Func<StubRegistryHandler.Seen, HttpResponseMessage>? tokenServer = null)
    {
        var issued = 0;
        return new StubRegistryHandler(request =>
        {
            if (request.Uri.Host == "auth.test")
                return tokenServer?.Invoke(request) ?? StubRegistryHandler.Json(HttpStatusCode.OK, $"{{\"token\":\"tok-{Interlocked.Increment(ref issued)}\",\"expires_in\":300}}");
            if (request.Authorization is not { } auth || !auth.StartsWith("Bearer tok-", StringComparison.Ordinal))
                return StubRegistryHandler.Challenge($"Bearer realm=\"{Realm}\",service=\"registry.test\"");
            return request.Method == HttpMethod.Head ? new HttpResponseMessage(HttpStatusCode.NotFound) : Manifest();
        });
    }

    [Test]
    public async Task GetManifest_BearerChallenge_FetchesATokenWithBasicCredentialsAndRetries()
    {
        using var handler = BearerRegistry();
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        var fetched = await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);

        var requests = handler.Requests;
        Assert.Multiple(() =>
        {
            Assert.That(fetched.Manifest.Layers, Has.Count.EqualTo(2));
            Assert.That(fetched.Digest, Is.EqualTo(Digests.Of(ManifestBytes)));
            Assert.That(requests.Select(r => r.Uri.Host), Is.EqualTo(new[] { "registry.test", "auth.test", "registry.test" }));
            Assert.That(requests[0].Uri.AbsoluteUri, Is.EqualTo("https://registry.test/v2/acc/app/manifests/1"));
            Assert.That(requests[1].Uri.Query, Is.EqualTo("?service=registry.test&scope=repository%3Aacc%2Fapp%3Apull&account=alice"));
            Assert.That(requests[1].Authorization, Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret"))));
            Assert.That(requests[2].Authorization, Is.EqualTo("Bearer tok-1"));
        });
    }

    [Test]
    public async Task GetManifest_Again_ReusesTheCachedTokenUntilItExpires()
    {
        using var handler = BearerRegistry();
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);
        await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);

        await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);
        var afterCached = handler.Requests.Count;
        time.Advance(TimeSpan.FromSeconds(301));
        await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);

        var requests = handler.Requests;
        Assert.Multiple(() =>
        {
            Assert.That(afterCached, Is.EqualTo(4), "the second fetch goes straight to the registry with the cached token");
            Assert.That(requests[3].Authorization, Is.EqualTo("Bearer tok-1"));
            Assert.That(requests.Skip(4).Select(r => r.Uri.Host), Is.EqualTo(new[] { "auth.test", "registry.test" }));
            Assert.That(requests[^1].Authorization, Is.EqualTo("Bearer tok-2"));
        });
    }

    [Test]
    public async Task Tokens_AreKeptApartPerCredentials()
    {
        using var handler = BearerRegistry();
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);
        await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);

        await client.GetManifestAsync(App, new RegistryCredentials("bob", "other"), Platform.LinuxAmd64, CancellationToken.None);

        Assert.That(handler.Requests.Count(r => r.Uri.Host == "auth.test"), Is.EqualTo(2));
    }

    [Test]
    public async Task BlobExists_PushCall_AsksForPullAndPush()
    {
        using var handler = BearerRegistry();
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        var exists = await client.BlobExistsAsync(App, TestManifests.Digest('a'), Alice, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(exists, Is.False);
            Assert.That(handler.Requests.Single(r => r.Uri.Host == "auth.test").Uri.Query, Does.Contain("scope=repository%3Aacc%2Fapp%3Apull%2Cpush"));
        });
    }

    [Test]
    public async Task IdentityToken_IsExchangedWithARefreshTokenPost()
    {
        using var handler = BearerRegistry(request => request.Method == HttpMethod.Post
            ? StubRegistryHandler.Json(HttpStatusCode.OK, "{\"access_token\":\"tok-oauth\",\"expires_in\":300}")
            : new HttpResponseMessage(HttpStatusCode.MethodNotAllowed));
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        await client.GetManifestAsync(App, new RegistryCredentials(null, null, IdentityToken: "refresh-1"), Platform.LinuxAmd64, CancellationToken.None);

        var token = handler.Requests.Single(r => r.Uri.Host == "auth.test");
        Assert.Multiple(() =>
        {
            Assert.That(token.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(token.Body, Does.Contain("grant_type=refresh_token").And.Contain("refresh_token=refresh-1").And.Contain("service=registry.test")
                .And.Contain("scope=repository%3Aacc%2Fapp%3Apull"));
            Assert.That(handler.Requests[^1].Authorization, Is.EqualTo("Bearer tok-oauth"));
        });
    }

    [Test]
    public async Task TokenServerRefuses_IsUnauthorizedWithItsMessage()
    {
        using var handler = BearerRegistry(_ => StubRegistryHandler.Json(HttpStatusCode.Unauthorized, "{\"details\":\"incorrect username or password\"}"));
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unauthorized));
            Assert.That(ex.Message, Is.EqualTo($"Get \"{Realm}\": unauthorized: incorrect username or password"));
        });
    }

    [Test]
    public async Task RegistryToken_IsSentAsIs()
    {
        using var handler = BearerRegistry();
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        await client.GetManifestAsync(App, new RegistryCredentials(null, null, RegistryToken: "tok-given"), Platform.LinuxAmd64, CancellationToken.None);

        Assert.That(handler.Requests.Select(r => r.Authorization), Is.EqualTo(new[] { "Bearer tok-given" }));
    }

    [Test]
    public async Task BasicChallenge_RetriesWithBasicCredentials()
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret"));
        using var handler = new StubRegistryHandler(r => r.Authorization == expected ? Manifest() : StubRegistryHandler.Challenge("Basic realm=\"Registry Realm\""));
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);
        await client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None);

        Assert.That(handler.Requests.Select(r => r.Authorization), Is.EqualTo(new string?[] { null, expected, expected }));
    }

    [Test]
    public async Task StillUnauthorized_IsUnauthorizedNamingTheRequest()
    {
        using var handler = new StubRegistryHandler(_ => StubRegistryHandler.Challenge("Basic realm=\"Registry Realm\""));
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        var anonymous = await Wait.ThrowsAsync<BerthException>(() => client.GetManifestAsync(App, null, Platform.LinuxAmd64, CancellationToken.None));
        var wrong = await Wait.ThrowsAsync<BerthException>(() => client.GetManifestAsync(App, Alice, Platform.LinuxAmd64, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Kind, Is.EqualTo(BerthErrorKind.Unauthorized));
            Assert.That(anonymous.Message, Is.EqualTo("Get \"https://registry.test/v2/acc/app/manifests/1\": unauthorized: authentication required"));
            Assert.That(wrong.Kind, Is.EqualTo(BerthErrorKind.Unauthorized));
            Assert.That(handler.Requests, Has.Count.EqualTo(2), "one anonymous try, then one with the credentials, not repeated");
        });
    }

    [Test]
    public async Task ManifestByDigest_WithOtherBytes_IsRefused()
    {
        using var handler = new StubRegistryHandler(_ => Manifest());
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);
        var byDigest = App.WithDigest(TestManifests.Digest('f'));

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.GetManifestAsync(byDigest, null, Platform.LinuxAmd64, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Is.EqualTo($"manifest verification failed for digest {TestManifests.Digest('f')}"));
            Assert.That(handler.Requests[0].Path, Is.EqualTo($"/v2/acc/app/manifests/{TestManifests.Digest('f')}"));
        });
    }

    [Test]
    public async Task Redirect_IsFollowedWithoutTheRegistrysCredentials()
    {
        var blob = "{\"config\":true}"u8.ToArray();
        var digest = Digests.Of(blob);
        using var handler = new StubRegistryHandler(r =>
        {
            if (r.Uri.Host == "cdn.test") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob) };
            if (r.Authorization is null) return StubRegistryHandler.Challenge("Basic realm=\"r\"");
            var redirect = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
            redirect.Headers.Location = new Uri("https://cdn.test/blobs/1?sig=abc");
            return redirect;
        });
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        var bytes = await client.GetBlobAsync(App, digest, Alice, 1024, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.EqualTo(blob));
            Assert.That(handler.Requests[^1].Uri.AbsoluteUri, Is.EqualTo("https://cdn.test/blobs/1?sig=abc"));
            Assert.That(handler.Requests[^1].Authorization, Is.Null);
        });
    }

    [Test]
    public async Task RegistryError_ThroughTheClient_IsDockersMessage()
    {
        using var handler = new StubRegistryHandler(_ => StubRegistryHandler.Json(HttpStatusCode.NotFound,
            "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"1\"}}]}"));
        using var client = new RegistryClient(RegistryOptions.Default, time, handler);

        var ex = await Wait.ThrowsAsync<BerthException>(() => client.GetManifestAsync(App, null, Platform.LinuxAmd64, CancellationToken.None));

        Assert.That((ex.Kind, ex.Message), Is.EqualTo((BerthErrorKind.NotFound, "manifest for registry.test/acc/app:1 not found: manifest unknown: manifest unknown")));
    }
}
