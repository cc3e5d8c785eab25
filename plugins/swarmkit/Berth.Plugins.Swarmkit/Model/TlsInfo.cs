namespace Berth.Plugins.Swarmkit.Model;

/// <param name="TrustRoot">The root CA certificate in PEM.</param>
/// <param name="CertIssuerSubject">The issuer's subject, base64 of its DER.</param>
/// <param name="CertIssuerPublicKey">The issuer's public key, base64 of its DER.</param>
public sealed record TlsInfo(string TrustRoot, string CertIssuerSubject, string CertIssuerPublicKey);
