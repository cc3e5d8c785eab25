using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Sdk.Cluster;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks an <see cref="IClusterBackend"/> on one node against what berthd relies on: the answers outside a swarm
/// (inactive, no assignments, Docker's 503 refusals), a swarm initialised on loopback, objects created, read, listed,
/// updated with their version and removed with Docker's error classes, membership that outlives the process, and
/// leaving. Derive a <c>[TestFixture]</c> and build your backend in <see cref="CreateClusterBackendAsync"/>; every test
/// gets a fresh backend over an empty root, and a swarm a test made is left (forced) at tear-down.
/// </summary>
public abstract partial class ClusterBackendConformance
{
    private readonly DriverInstances<IClusterBackend> backends;
    private ConformanceWorkspace? workspace;
    private CancellationTokenSource? timeout;

    protected ClusterBackendConformance() => backends = new DriverInstances<IClusterBackend>(b => DisposeClusterBackendAsync(b), "cluster backend");

    /// <summary>A backend keeping its state under <paramref name="root"/>; called again with the same root to check a restart.</summary>
    protected abstract Task<IClusterBackend> CreateClusterBackendAsync(string root, CancellationToken ct);

    /// <summary>Releases a backend; by default disposes it when it is (async) disposable.</summary>
    protected virtual Task DisposeClusterBackendAsync(IClusterBackend b) => DriverInstances<IClusterBackend>.DisposeDefaultAsync(b);

    /// <summary>The body of <c>POST /swarm/init</c> the kit sends: the swarm listening on loopback at <paramref name="port"/>.</summary>
    protected virtual JsonElement InitRequest(int port) =>
        JsonSerializer.SerializeToElement(new { ListenAddr = $"127.0.0.1:{port}", AdvertiseAddr = $"127.0.0.1:{port}" });

    /// <summary>How long one test may take before its backend calls are cancelled (an init forms a cluster).</summary>
    protected virtual TimeSpan TestTimeout => TimeSpan.FromMinutes(2);

    protected IClusterBackend Backend => backends.Current;

    protected CancellationToken Cancellation => timeout?.Token ?? CancellationToken.None;

    [SetUp]
    public async Task SetUpClusterBackendAsync()
    {
        timeout = new CancellationTokenSource(TestTimeout);
        workspace = ConformanceWorkspace.Create();
        try
        {
            await NewBackendAsync().ConfigureAwait(false);
        }
        catch
        {
            await TearDownClusterBackendAsync().ConfigureAwait(false);
            throw;
        }
    }

    [TearDown]
    public async Task TearDownClusterBackendAsync()
    {
        try
        {
            if (!backends.IsEmpty)
            {
                try
                {
                    using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    if ((await Backend.GetStatusAsync(leave.Token).ConfigureAwait(false)).LocalNodeState != "inactive")
                        await Backend.LeaveAsync(force: true, leave.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    await TestContext.Out.WriteLineAsync($"clean-up: leaving the swarm failed: {ex.Message}").ConfigureAwait(false);
                }
            }
            await backends.DisposeAllAsync().ConfigureAwait(false);
        }
        finally
        {
            workspace?.Dispose();
            workspace = null;
            timeout?.Dispose();
            timeout = null;
        }
    }

    /// <summary>Another backend over the same root: a plugin restart (stop the old one first with <see cref="StopBackendAsync"/>).</summary>
    protected async Task<IClusterBackend> NewBackendAsync()
    {
        var root = (workspace ?? throw new InvalidOperationException("no workspace outside a test")).Root;
        return backends.Add(await CreateClusterBackendAsync(root, Cancellation).ConfigureAwait(false));
    }

    /// <summary>Disposes the current backend, as a plugin process that stops.</summary>
    protected Task StopBackendAsync() => backends.StopCurrentAsync();

    /// <summary>Initialises a one-node swarm on a free loopback port; returns the node id.</summary>
    protected async Task<string> InitAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return await Backend.InitAsync(InitRequest(port), Cancellation).ConfigureAwait(false);
    }

    /// <summary>Creates a secret (<c>POST /secrets/create</c>); returns its id.</summary>
    protected async Task<string> CreateSecretAsync(string name)
    {
        var spec = JsonSerializer.SerializeToElement(new { Name = name, Data = Convert.ToBase64String("conformance"u8) });
        var created = await Backend.CreateAsync("secrets", spec, Cancellation).ConfigureAwait(false);
        Assert.That(created.TryGetProperty("ID", out var id) && id.GetString() is { Length: > 0 }, $"Create answers the new object's ID: {created}");
        return created.GetProperty("ID").GetString()!;
    }

    protected static JsonElement NoFilters => JsonSerializer.SerializeToElement(new Dictionary<string, string[]>());
}
