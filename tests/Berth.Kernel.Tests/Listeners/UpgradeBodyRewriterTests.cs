using System.IO.Pipelines;
using System.Text;
using Berth.Kernel.Listeners;
using Microsoft.AspNetCore.Connections;

namespace Berth.Kernel.Tests.Listeners;

public class UpgradeBodyRewriterTests
{
    private const string Body = """{"Detach":false,"Tty":false}""";
    private static readonly string Encoded = Convert.ToBase64String(Encoding.ASCII.GetBytes(Body));

    private sealed record Outcome(string Seen, bool SameTransport, bool TransportRestored);

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Runs one connection through the middleware; the next handler reads the whole input it is given.</summary>
    private static async Task<Outcome> RunAsync(params string[] chunks)
    {
        var input = new Pipe();
        var output = new Pipe();
        var transport = new Duplex(input.Reader, output.Writer);
        await using var connection = new DefaultConnectionContext("test", transport, new Duplex(output.Reader, input.Writer));
        IDuplexPipe? given = null;
        var seen = new List<byte>();
        ConnectionDelegate next = async c =>
        {
            given = c.Transport;
            while (true)
            {
                var result = await c.Transport.Input.ReadAsync();
                foreach (var segment in result.Buffer) seen.AddRange(segment.ToArray());
                c.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
        };

        var run = UpgradeBodyRewriter.Middleware(next)(connection);
        for (var i = 0; i < chunks.Length; i++)
        {
            if (i > 0) await Task.Delay(20);
            await input.Writer.WriteAsync(Encoding.Latin1.GetBytes(chunks[i]));
        }
        await input.Writer.CompleteAsync();
        await Wait.Within(run);

        return new Outcome(Encoding.Latin1.GetString([.. seen]), ReferenceEquals(given, transport), ReferenceEquals(connection.Transport, transport));
    }

    private static string ExecStart(string eol, string body = Body, string extraHeaders = "") =>
        $"POST /v1.47/exec/3f2a/start HTTP/1.1{eol}Host: api.moby.localhost{eol}User-Agent: Docker-Client/27.3.1 (linux){eol}" +
        $"Content-Length: {Encoding.ASCII.GetByteCount(body)}{eol}Content-Type: application/json{eol}{extraHeaders}" +
        $"Connection: Upgrade{eol}Upgrade: tcp{eol}{eol}{body}";

    private static readonly string Rewritten =
        "POST /v1.47/exec/3f2a/start HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/27.3.1 (linux)\r\n" +
        $"Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nX-Berth-Upgrade-Body: {Encoded}\r\n\r\n";

    [Test]
    public async Task Middleware_UpgradeWithBodyAndCrlf_MovesTheBodyIntoTheHeader()
    {
        var outcome = await RunAsync(ExecStart("\r\n"));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Seen, Is.EqualTo(Rewritten));
            Assert.That(outcome.SameTransport, Is.False);
            Assert.That(outcome.TransportRestored, Is.True);
        });
    }

    [Test]
    public async Task Middleware_UpgradeWithBodyAndBareLf_IsRewrittenWithCrlf()
    {
        var outcome = await RunAsync(ExecStart("\n"));

        Assert.That(outcome.Seen, Is.EqualTo(Rewritten));
    }

    [Test]
    public async Task Middleware_HeaderLinesWithLfButHeadEndingInCrlf_IsRewritten()
    {
        var request = ExecStart("\n").Replace("Upgrade: tcp\n\n", "Upgrade: tcp\n\r\n", StringComparison.Ordinal);

        var outcome = await RunAsync(request);

        Assert.That(outcome.Seen, Is.EqualTo(Rewritten));
    }

    [Test]
    public async Task Middleware_BytesAfterTheBody_FollowTheRewrittenHead()
    {
        var outcome = await RunAsync(ExecStart("\r\n"), "ls -l\n", "exit\n");

        Assert.That(outcome.Seen, Is.EqualTo(Rewritten + "ls -l\nexit\n"));
    }

    [Test]
    public async Task Middleware_HeadAndBodyArrivingInPieces_AreRewrittenOnceWhole()
    {
        var request = ExecStart("\r\n");
        var split = request.IndexOf("Connection:", StringComparison.Ordinal);
        var bodyStart = request.IndexOf("{", StringComparison.Ordinal);

        var outcome = await RunAsync(request[..split], request[split..(bodyStart + 5)], request[(bodyStart + 5)..]);

        Assert.That(outcome.Seen, Is.EqualTo(Rewritten));
    }

    [Test]
    public async Task Middleware_ConnectionHeaderListingUpgrade_IsRecognised()
    {
        var request = ExecStart("\r\n").Replace("Connection: Upgrade", "connection: keep-alive, upgrade", StringComparison.Ordinal);

        var outcome = await RunAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Seen, Does.Contain($"X-Berth-Upgrade-Body: {Encoded}\r\n\r\n"));
            Assert.That(outcome.Seen, Does.Not.Contain("Content-Length"));
            Assert.That(outcome.Seen, Does.Contain("connection: keep-alive, upgrade\r\n"));
        });
    }

    [Test]
    public async Task Middleware_BinaryBody_IsCarriedExactlyInBase64()
    {
        const string body = "\u0000\u00ff\u0080{}";
        var request = ExecStart("\r\n", body);

        var outcome = await RunAsync(request);

        Assert.That(outcome.Seen, Does.Contain($"X-Berth-Upgrade-Body: {Convert.ToBase64String(Encoding.Latin1.GetBytes(body))}\r\n"));
    }

    [TestCase("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")]
    [TestCase("POST /containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")]
    [TestCase("POST /containers/3f2a/attach?stream=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")]
    [TestCase("POST /exec/3f2a/start HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")]
    [TestCase("POST /exec/3f2a/start HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n2\r\n{}\r\n0\r\n\r\n")]
    public async Task Middleware_RequestNotAnUpgradeWithABody_IsHandedOnUntouched(string request)
    {
        var outcome = await RunAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Seen, Is.EqualTo(request));
            Assert.That(outcome.SameTransport, Is.True);
        });
    }

    [Test]
    public async Task Middleware_ConnectionClosedMidHead_IsHandedOnUntouched()
    {
        const string partial = "POST /exec/3f2a/start HTTP/1.1\r\nConnection: Upgrade\r\nContent-Le";

        var outcome = await RunAsync(partial);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Seen, Is.EqualTo(partial));
            Assert.That(outcome.SameTransport, Is.True);
        });
    }

    [Test]
    public async Task Middleware_ConnectionClosedMidBody_IsHandedOnUntouched()
    {
        var request = ExecStart("\r\n");
        var truncated = request[..^4];

        var outcome = await RunAsync(truncated);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Seen, Is.EqualTo(truncated));
            Assert.That(outcome.SameTransport, Is.True);
        });
    }

    [Test]
    public async Task Middleware_BodyOverOneMebibyte_IsHandedOnUntouched()
    {
        var body = new string('x', 1024 * 1024 + 1);
        var request = ExecStart("\r\n", body);

        var outcome = await RunAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Seen.Length, Is.EqualTo(request.Length));
            Assert.That(outcome.SameTransport, Is.True);
        });
    }

    [Test]
    public async Task Middleware_UpgradeAsSecondRequestOnTheConnection_IsNotRewritten()
    {
        var requests = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n" + ExecStart("\r\n");

        var outcome = await RunAsync(requests);

        Assert.That(outcome.Seen, Is.EqualTo(requests));
    }
}
