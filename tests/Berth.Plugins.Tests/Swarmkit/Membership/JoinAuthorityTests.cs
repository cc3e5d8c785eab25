using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Membership;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Membership;

public class JoinAuthorityTests
{
    private MemoryClusterStore store = null!;
    private RpcClient rpc = null!;
    private JoinAuthority authority = null!;
    private ClusterRootCa ca = null!;

    [SetUp]
    public async Task SetUp()
    {
        store = new MemoryClusterStore();
        rpc = new RpcClient((_, _) => throw new IOException("no network in unit tests"));
        authority = new JoinAuthority(new ForwardingProposer(store, new LeaderCalls(store, rpc), TimeProvider.System), () => "data-key", TimeProvider.System);
        ca = ClusterRootCa.Create(TimeProvider.System);
        using var caKey = ca.Certificate.GetECDsaPrivateKey()!;
        var twoHours = TimeSpan.FromHours(2).Ticks * 100;
        var cluster = new ClusterObject
        {
            ID = "cluster1",
            Spec = new SwarmSpec { CAConfig = JsonDocument.Parse($$"""{"NodeCertExpiry":{{twoHours}}}""").RootElement.Clone() },
        };
        var keys = new ClusterKeys { ID = ClusterKeys.SingletonId, RootCaCertPem = ca.CertificatePem, RootCaKeyPem = caKey.ExportPkcs8PrivateKeyPem() };
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(cluster), StoreOp.Create(keys), StoreOp.Create(Node("w1", NodeRoles.Worker))]), CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        ca.Dispose();
        await rpc.DisposeAsync();
        await store.DisposeAsync();
    }

    private static Node Node(string id, string role) => new()
    {
        ID = id,
        Spec = new NodeSpec { Role = role },
        Role = role,
        Status = new NodeStatus(NodeStates.Ready),
    };

    private static RenewRequest Request(NodeKey key, string nodeId) => new(nodeId, key.CreateSigningRequestPem(), "127.0.0.1:2377");

    [Test]
    public async Task RenewAsync_Worker_CertificateForItsRoleValidForTheSwarmsCertExpiry()
    {
        using var key = NodeKey.Create();

        var answer = await authority.RenewAsync(Request(key, "w1"), CancellationToken.None);

        using var certificate = X509Certificate2.CreateFromPem(answer.CertificatePem);
        var identity = NodeIdentity.FromCertificate(certificate);
        Assert.That(answer.Role, Is.EqualTo(NodeRoles.Worker));
        Assert.That(identity?.NodeId, Is.EqualTo("w1"));
        Assert.That(identity?.Role, Is.EqualTo(NodeRoles.Worker));
        Assert.That(answer.DataKey, Is.Null, "a worker never gets the raft data key");
        Assert.That(certificate.NotAfter.ToUniversalTime(), Is.EqualTo(DateTime.UtcNow.AddHours(2)).Within(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public void RenewAsync_NodeRemovedFromTheSwarm_NotFound()
    {
        using var key = NodeKey.Create();

        var e = Assert.ThrowsAsync<BerthException>(() => authority.RenewAsync(Request(key, "gone"), CancellationToken.None));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }
}
