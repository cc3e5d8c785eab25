using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>A node's own ECDSA P-256 key, generated on the node; only its certificate signing request leaves the node.</summary>
public sealed class NodeKey : IDisposable
{
    private NodeKey(ECDsa key) => Key = key;

    internal ECDsa Key { get; }

    public static NodeKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A PKCS#10 request for this key. The CA chooses the subject; the one asked for here is a placeholder.</summary>
    public string CreateSigningRequestPem() =>
        new CertificateRequest("CN=swarm-node", Key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    public void Dispose() => Key.Dispose();
}
