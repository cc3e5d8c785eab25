using System.Net;
using Berth.Plugins.Swarmkit.Store;
using Berth.Plugins.Swarmkit.Transport;

namespace Berth.Plugins.Tests.Swarmkit.Store;

/// <summary>One manager of a test swarm: its swarm port, directory and (while running) listener and store.</summary>
internal sealed class TestMember(string name, string directory, int port)
{
    public string Name { get; } = name;
    public string Directory { get; } = directory;
    public int Port { get; } = port;
    public string Address => $"127.0.0.1:{Port}";
    public SwarmListener? Listener { get; set; }
    public RaftClusterStore? Store { get; set; }
    public bool Running => Store is not null;

    /// <summary>The running store (fails the test when the member is stopped).</summary>
    public RaftClusterStore S => Store ?? throw new InvalidOperationException($"{Name} is stopped");

    public override string ToString() => $"{Name} ({Address})";
}

/// <summary>
/// Managers on 127.0.0.1 with real TCP swarm ports (plaintext security) and real write-ahead logs in a temporary
/// directory; every store and listener is disposed by <see cref="DisposeAsync"/>, even after a failure.
/// </summary>
internal sealed class RaftTestCluster(string root, TextWriter log) : IAsyncDisposable
{
    private int next;

    public List<TestMember> Members { get; } = [];

    /// <summary>Options for each member; tests may adjust (snapshot interval, protector, timeouts).</summary>
    public Func<RaftStoreOptions, RaftStoreOptions> Configure { get; set; } = o => o;

    public IEnumerable<TestMember> Running => Members.Where(m => m.Running);

    /// <summary>The swarm port's security of each member (plaintext unless a test sets it).</summary>
    public Func<TestMember, IConnectionSecurity> Security { get; set; } = _ => PlaintextSecurity.Instance;

    public static RaftStoreOptions Defaults(string directory, string address) => new(directory, address)
    {
        LowerElectionTimeout = 400,
        UpperElectionTimeout = 800,
        QuorumTimeout = TimeSpan.FromSeconds(2.5),
        MembershipTimeout = TimeSpan.FromSeconds(8),
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    public async Task<TestMember> BootstrapAsync()
    {
        var member = NewMember();
        await StartAsync(member, StoreStart.Bootstrap);
        return member;
    }

    /// <summary>A new manager added by the current leader, caught up (read barrier passed) when this returns.</summary>
    public async Task<TestMember> JoinAsync()
    {
        var leader = await LeaderAsync();
        var member = NewMember();
        await StartAsync(member, StoreStart.Join);
        await Wait.Within(leader.S.AddMemberAsync(member.Address, CancellationToken.None));
        await Wait.Within(member.S.ReadAsync(CancellationToken.None));
        return member;
    }

    public async Task<(TestMember Leader, TestMember[] All)> ThreeAsync()
    {
        var first = await BootstrapAsync();
        var second = await JoinAsync();
        var third = await JoinAsync();
        return (first, [first, second, third]);
    }

    private TestMember NewMember()
    {
        var name = $"m{++next}";
        // Bind port 0 once to learn a free port; the member's listener binds it again (and again on restart).
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var member = new TestMember(name, Path.Combine(root, name), port);
        Members.Add(member);
        return member;
    }

    public async Task StartAsync(TestMember member, StoreStart mode)
    {
        if (member.Running)
            throw new InvalidOperationException($"{member} is running");
        var security = Security(member);
        var listener = new SwarmListener(new IPEndPoint(IPAddress.Loopback, member.Port), security, log) { HandshakeTimeout = TimeSpan.FromSeconds(2) };
        try
        {
            var options = Configure(Defaults(member.Directory, member.Address));
            var store = await Wait.Within(RaftClusterStore.StartAsync(options, listener, security, mode, new Prefixed(log, member.Name), CancellationToken.None));
            listener.Start();
            member.Listener = listener;
            member.Store = store;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    public async Task StopAsync(TestMember member)
    {
        var store = member.Store;
        var listener = member.Listener;
        member.Store = null;
        member.Listener = null;
        if (store is not null)
            await Wait.Within(store.DisposeAsync().AsTask());
        if (listener is not null)
            await Wait.Within(listener.DisposeAsync().AsTask());
    }

    /// <summary>The member every running member agrees leads (and that says so itself).</summary>
    public async Task<TestMember> LeaderAsync()
    {
        TestMember? leader = null;
        await Wait.Eventually(() =>
        {
            var running = Running.ToList();
            leader = running.FirstOrDefault(m => m.S.IsLeader);
            return leader is not null && running.All(m => m.S.LeaderAddress == leader.Address);
        }, "a leader every running member agrees on");
        return leader!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members)
        {
            try
            {
                await StopAsync(member);
            }
            catch (Exception e)
            {
                await log.WriteLineAsync($"stopping {member} failed: {e}");
            }
        }
    }

    /// <summary>Each member's log lines, labelled.</summary>
    private sealed class Prefixed(TextWriter inner, string prefix) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value) => inner.WriteLine($"[{prefix}] {value}");

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
