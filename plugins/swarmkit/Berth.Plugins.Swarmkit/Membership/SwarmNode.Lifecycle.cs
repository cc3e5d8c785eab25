using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Plugins.Swarmkit.Transport;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Membership;

public sealed partial class SwarmNode
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);

    /// <summary><c>docker swarm init</c>: a new CA and cluster with this node as its only manager and leader.</summary>
    public static async Task<SwarmNode> InitAsync(NodeEnvironment env, InitRequest request, CancellationToken cancellationToken)
    {
        var listen = SwarmAddresses.Listen(request.ListenAddr);
        var advertise = SwarmAddresses.Advertise(request.AdvertiseAddr, listen);
        var clusterId = ObjectIds.New();
        var nodeId = ObjectIds.New();
        using var ca = ClusterRootCa.Create(env.Time);
        var unlock = request.AutoLockManagers ? UnlockKey.Generate() : null;
        var spec = SwarmSpecs.Merge(new SwarmSpec(), request.Spec);
        NodeCertificateExpiry.Validate(spec);
        var credentials = Issue(ca, new NodeIdentity(nodeId, NodeRoles.Manager, clusterId), NodeCertificateExpiry.Of(spec));
        var state = new NodeState(nodeId, clusterId, NodeRoles.Manager, listen.ToString(), advertise, [advertise]);
        var dataKey = SecretBox.GenerateKey();
        var node = new SwarmNode(env, state with { Locked = unlock is not null }, credentials) { sealedWith = unlock?.ToString() ?? "" };
        try
        {
            PrepareDirectory(env);
            credentials.Save(env.CertificatesDirectory, unlock);
            DataKeyFile.Save(env.Directory, dataKey, unlock);
            await node.StartManagerAsync(StoreStart.Bootstrap, dataKey, cancellationToken).ConfigureAwait(false);
            await node.WriteInitialStateAsync(ca, request, unlock, cancellationToken).ConfigureAwait(false);
            await NodeStateFile.SaveAsync(env.Directory, node.State, cancellationToken).ConfigureAwait(false);
            node.StartAgent();
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            Erase(env);
            throw;
        }
    }

    private async Task WriteInitialStateAsync(ClusterRootCa ca, InitRequest request, UnlockKey? unlock, CancellationToken cancellationToken)
    {
        var spec = SwarmSpecs.Merge(new SwarmSpec(), request.Spec) with { EncryptionConfig = new EncryptionConfig(request.AutoLockManagers) };
        var cluster = new ClusterObject
        {
            ID = State.ClusterId,
            Spec = spec,
            TLSInfo = credentials.ToTlsInfo(),
            DefaultAddrPool = request.DefaultAddrPool is { Count: > 0 } pool ? pool : ["10.0.0.0/8"],
            SubnetSize = request.SubnetSize > 0 ? request.SubnetSize : 24,
            DataPathPort = request.DataPathPort > 0 ? request.DataPathPort : 4789,
            JoinTokens = new JoinTokens(JoinToken.Generate(ca.Digest).ToString(), JoinToken.Generate(ca.Digest).ToString()),
        };
        using var caKey = ca.Certificate.GetECDsaPrivateKey()!;
        var keys = new ClusterKeys
        {
            ID = ClusterKeys.SingletonId,
            RootCaCertPem = ca.CertificatePem,
            RootCaKeyPem = caKey.ExportPkcs8PrivateKeyPem(),
            SecretsKey = Convert.ToBase64String(SecretBox.GenerateKey()),
            UnlockKey = unlock?.ToString() ?? "",
        };
        var description = await NodeDescriber.DescribeAsync(env.Kernel, cancellationToken).ConfigureAwait(false);
        var self = new Node
        {
            ID = State.NodeId,
            Spec = new NodeSpec { Role = NodeRoles.Manager, Availability = string.IsNullOrEmpty(request.Availability) ? NodeAvailability.Active : request.Availability },
            Description = description with { TLSInfo = credentials.ToTlsInfo() },
            Status = new NodeStatus(NodeStates.Ready, null, SwarmAddresses.HostOf(State.AdvertiseAddr)),
            ManagerStatus = new ManagerStatus(true, "reachable", State.AdvertiseAddr),
            Role = NodeRoles.Manager,
        };
        await Manager!.Proposer.ProposeAsync([StoreOp.Create(cluster), StoreOp.Create(keys), StoreOp.Create(self)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>docker swarm join</c>: proves the token to a manager, gets a certificate, and for a manager token joins raft.</summary>
    public static async Task<SwarmNode> JoinAsync(NodeEnvironment env, JoinSwarmRequest request, CancellationToken cancellationToken)
    {
        var remote = request.RemoteAddrs?.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a))
            ?? throw BerthException.Invalid("at least 1 RemoteAddr is required to join");
        JoinToken token;
        try
        {
            token = JoinToken.Parse(request.JoinToken);
        }
        catch (InvalidJoinTokenException e)
        {
            throw BerthException.Invalid(e.Message);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JoinTimeout);
        var listen = SwarmAddresses.Listen(request.ListenAddr);
        using var key = NodeKey.Create();
        var (answer, advertise) = await RequestMembershipAsync(env, token, remote, key, request, listen, timeout.Token).ConfigureAwait(false);
        var credentials = NodeCredentials.Create(key, answer.CertificatePem, answer.RootCaPem);
        // Workers keep their listen address too (as Docker does): a promotion starts the manager's listener there.
        var state = new NodeState(answer.NodeId, answer.ClusterId, answer.Role, listen.ToString(), advertise, answer.Managers);
        var node = new SwarmNode(env, state, credentials);
        try
        {
            PrepareDirectory(env);
            credentials.Save(env.CertificatesDirectory);
            if (answer.Role == NodeRoles.Manager)
            {
                var dataKey = Convert.FromBase64String(answer.DataKey ?? throw BerthException.Unavailable("the manager did not hand over the raft data key"));
                DataKeyFile.Save(env.Directory, dataKey, null);
                await node.StartManagerAsync(StoreStart.Join, dataKey, timeout.Token).ConfigureAwait(false);
                await node.rpc.CallAsync(remote, RpcMethods.AddMember, new MemberRequest(advertise, answer.NodeId), timeout.Token).ConfigureAwait(false);
                await node.Store!.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            await NodeStateFile.SaveAsync(env.Directory, state, cancellationToken).ConfigureAwait(false);
            node.StartAgent();
            return node;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await node.DisposeAsync().ConfigureAwait(false);
            Erase(env);
            throw BerthException.Unavailable("Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the \"docker info\" command to see the current swarm status of your node.");
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            Erase(env);
            throw;
        }
    }

    // The bootstrap connection: no certificate yet, so the manager is trusted only once its root matches the token's digest.
    private static async Task<(JoinResponse Answer, string Advertise)> RequestMembershipAsync(
        NodeEnvironment env, JoinToken token, string remote, NodeKey key, JoinSwarmRequest request, System.Net.IPEndPoint listen, CancellationToken cancellationToken)
    {
        var pin = RootCaPin.For(token, env.Time);
        var (raw, local) = await SwarmDialer.ConnectRawAsync(remote, cancellationToken).ConfigureAwait(false);
        await using var tls = new SslStream(raw, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(pin.ClientOptions(), cancellationToken).ConfigureAwait(false);
            await tls.WriteAsync(new[] { Channels.Control }, cancellationToken).ConfigureAwait(false);
            var root = await CallAsync<RootCaResponse>(tls, RpcMethods.RootCa, new { }, cancellationToken).ConfigureAwait(false);
            try
            {
                pin.VerifyRoot(root.CertificatePem, tls).Dispose();
            }
            catch (SwarmSecurityException e)
            {
                throw BerthException.Invalid(e.Message);
            }
            // Without --advertise-addr a specific listen address is advertised, else the address this node reached the manager from.
            var advertise = !string.IsNullOrEmpty(request.AdvertiseAddr) || !listen.Address.Equals(System.Net.IPAddress.Any)
                ? SwarmAddresses.Advertise(request.AdvertiseAddr, listen)
                : SwarmAddresses.Format(local, listen.Port);
            var join = new JoinRequest(token.ToString(), key.CreateSigningRequestPem(), advertise, request.Availability ?? NodeAvailability.Active, Environment.MachineName);
            var answer = await CallAsync<JoinResponse>(tls, RpcMethods.Join, join, cancellationToken).ConfigureAwait(false);
            return (answer, advertise);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            throw BerthException.Unavailable($"could not reach the manager at {remote}: {e.Message}");
        }
    }

    private static async Task<T> CallAsync<T>(Stream stream, string method, object request, CancellationToken cancellationToken)
    {
        await RpcFrames.WriteAsync(stream, new RpcRequest(method, SwarmJson.ToElement(request)), cancellationToken).ConfigureAwait(false);
        var response = await RpcFrames.ReadAsync<RpcResponse>(stream, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("the manager closed the connection");
        if (response.Error is { } error)
            throw new BerthException(error.Kind, error.Message);
        return SwarmJson.From<T>(response.Body ?? throw new IOException("the manager sent an empty answer"));
    }

    /// <summary>Picks up where the node was after a daemon or plugin restart: same identity, raft log and role.</summary>
    public static async Task<SwarmNode> ResumeAsync(NodeEnvironment env, NodeState state, UnlockKey? unlock, bool forceNewCluster, CancellationToken cancellationToken)
    {
        var credentials = NodeCredentials.Load(env.CertificatesDirectory, unlock);
        var node = new SwarmNode(env, state, credentials) { sealedWith = unlock?.ToString() ?? "" };
        try
        {
            if (node.IsManager)
            {
                var dataKey = DataKeyFile.Load(env.Directory, unlock);
                await node.StartManagerAsync(forceNewCluster ? StoreStart.ForceNewCluster : StoreStart.Restart, dataKey, cancellationToken).ConfigureAwait(false);
                if (!forceNewCluster)
                    node.StartMembership();
            }
            node.StartAgent();
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>docker swarm leave</c>: a manager first leaves raft (with Docker's quorum warnings unless forced); then the node forgets the swarm.</summary>
    public async Task LeaveAsync(bool force, CancellationToken cancellationToken)
    {
        if (IsManager && Store is not null)
        {
            var state = Store.Current;
            var managerNodes = state.Nodes.Values.Where(n => n.Spec.Role == NodeRoles.Manager).ToList();
            var reachable = managerNodes.Count(n => n.Status.State == NodeStates.Ready);
            if (!force && managerNodes.Count <= 1)
                throw BerthException.Unavailable("You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. ");
            if (!force && reachable - 2 <= managerNodes.Count - reachable)
                throw BerthException.Unavailable(
                    $"You are attempting to leave the swarm on a node that is participating as a manager. Removing this node leaves {reachable - 1} managers out of {managerNodes.Count}. Without a Raft quorum your swarm will be inaccessible. The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.");
            if (managerNodes.Count > 1)
            {
                try
                {
                    await Manager!.Leader.CallAsync(RpcMethods.RemoveMember, new MemberRequest(State.AdvertiseAddr),
                        ct => Store.RemoveMemberAsync(State.AdvertiseAddr, ct), cancellationToken).ConfigureAwait(false);
                }
                catch (BerthException) when (force)
                {
                }
            }
        }
        await DisposeAsync().ConfigureAwait(false);
        Erase(env);
    }

    private static NodeCredentials Issue(ClusterRootCa ca, NodeIdentity identity, TimeSpan validity)
    {
        using var key = NodeKey.Create();
        return NodeCredentials.Create(key, ca.Sign(key.CreateSigningRequestPem(), identity, validity), ca.CertificatePem);
    }

    private static void PrepareDirectory(NodeEnvironment env)
    {
        Erase(env);
        AtomicFile.CreatePrivateDirectory(env.Directory);
        AtomicFile.CreatePrivateDirectory(env.CertificatesDirectory);
    }

    private static void Erase(NodeEnvironment env)
    {
        if (Directory.Exists(env.Directory))
            Directory.Delete(env.Directory, recursive: true);
    }
}
