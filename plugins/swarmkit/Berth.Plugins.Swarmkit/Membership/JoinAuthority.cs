using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// The leader's side of <c>docker swarm join</c> (swarmkit's IssueNodeCertificate): the token decides the role, the
/// node gets an id, a Node record and a certificate signed by the cluster's root CA.
/// </summary>
public sealed class JoinAuthority(IProposer proposer, Func<string?> dataKey, TimeProvider time)
{
    public async Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        var state = proposer.Current;
        var cluster = state.Cluster ?? throw BerthException.Unavailable("the swarm is still being created");
        var keys = state.Keys ?? throw BerthException.Unavailable("the swarm is still being created");
        using var ca = ClusterRootCa.FromPem(keys.RootCaCertPem, keys.RootCaKeyPem, time);
        string role;
        try
        {
            role = new JoinTokenVerifier(ca.Digest, JoinToken.Parse(cluster.JoinTokens.Worker), JoinToken.Parse(cluster.JoinTokens.Manager)).RoleFor(request.Token);
        }
        catch (SwarmSecurityException e)
        {
            throw BerthException.Invalid(e.Message);
        }
        var nodeId = ObjectIds.New();
        string certificate;
        try
        {
            certificate = ca.Sign(request.CsrPem, new NodeIdentity(nodeId, role, cluster.ID), NodeCertificateExpiry.Of(cluster.Spec));
        }
        catch (ArgumentException e)
        {
            throw BerthException.Invalid(e.Message);
        }
        var node = new Node
        {
            ID = nodeId,
            Spec = new NodeSpec { Role = role, Availability = string.IsNullOrEmpty(request.Availability) ? NodeAvailability.Active : request.Availability },
            Description = new NodeDescription { Hostname = request.Hostname },
            Status = new NodeStatus(NodeStates.Unknown, null, SwarmAddresses.HostOf(request.Addr)),
            ManagerStatus = role == NodeRoles.Manager ? new ManagerStatus(false, "unknown", request.Addr) : null,
            Role = role,
        };
        state = await proposer.ProposeAsync([StoreOp.Create(node)], cancellationToken).ConfigureAwait(false);
        return new JoinResponse(nodeId, cluster.ID, role, certificate, ca.CertificatePem, ManagerAddresses(state),
            role == NodeRoles.Manager ? dataKey() : null);
    }

    /// <summary>
    /// swarmkit's certificate renewal: a node that saw its role change, or whose certificate nears its expiry, gets a
    /// certificate for the role it holds now (the observed role, so a demoted manager gets a worker certificate only once
    /// it left raft), valid for the swarm's <c>--cert-expiry</c>. A manager's address is
    /// recorded with it, which is how <c>docker node ls</c> finds the promoted manager.
    /// </summary>
    public async Task<RenewResponse> RenewAsync(RenewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = proposer.Current;
        var cluster = state.Cluster ?? throw BerthException.Unavailable("the swarm is still being created");
        var keys = state.Keys ?? throw BerthException.Unavailable("the swarm is still being created");
        var node = state.Nodes.GetValueOrDefault(request.NodeId)
            ?? throw BerthException.NotFound($"node {request.NodeId} not found: it was removed from the swarm");
        var role = node.ObservedRole;
        using var ca = ClusterRootCa.FromPem(keys.RootCaCertPem, keys.RootCaKeyPem, time);
        string certificate;
        try
        {
            certificate = ca.Sign(request.CsrPem, new NodeIdentity(node.ID, role, cluster.ID), NodeCertificateExpiry.Of(cluster.Spec));
        }
        catch (ArgumentException e)
        {
            throw BerthException.Invalid(e.Message);
        }
        if (role == NodeRoles.Manager && node.ManagerStatus?.Addr != request.Addr)
        {
            var addressed = node with { ManagerStatus = new ManagerStatus(false, "unknown", request.Addr) };
            state = await proposer.ProposeAsync([StoreOp.Update(addressed)], cancellationToken).ConfigureAwait(false);
        }
        return new RenewResponse(role, certificate, ca.CertificatePem, ManagerAddresses(state), role == NodeRoles.Manager ? dataKey() : null);
    }

    /// <summary>The leader adds a raft member only for a node it holds to be a manager (a demoted one asking after a restart is refused).</summary>
    public static void RequireManagerNode(ClusterState state, MemberRequest request)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        if (request.NodeId is { } id && state.Nodes.GetValueOrDefault(id) is { } node && (node.ObservedRole != NodeRoles.Manager || node.Spec.Role != NodeRoles.Manager))
            throw BerthException.Invalid($"node {id} is not a manager of the swarm: it cannot join the raft members");
    }

    public static IReadOnlyList<string> ManagerAddresses(ClusterState state) =>
        state.Nodes.Values.Where(n => n.Spec.Role == NodeRoles.Manager && n.ManagerStatus?.Addr is { Length: > 0 })
            .Select(n => n.ManagerStatus!.Addr).Distinct().ToList();
}
