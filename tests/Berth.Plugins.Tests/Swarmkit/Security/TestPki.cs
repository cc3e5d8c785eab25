using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

internal static class TestPki
{
    public const string ClusterId = "4k2vq1yy3b6d8n1o7x9s0p2m5";

    public static NodeCredentials Issue(
        ClusterRootCa ca, string role = NodeRoles.Worker, string? nodeId = null, string clusterId = ClusterId, TimeSpan? validity = null)
    {
        using var key = NodeKey.Create();
        var certificatePem = ca.Sign(key.CreateSigningRequestPem(), new NodeIdentity(nodeId ?? ObjectIds.New(), role, clusterId), validity);
        return NodeCredentials.Create(key, certificatePem, ca.CertificatePem);
    }
}
