using System.Security.Cryptography.X509Certificates;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>Who a node certificate names: CN = node ID, OU = role, O = cluster ID.</summary>
/// <param name="Role"><see cref="Model.NodeRoles"/>: worker or manager.</param>
public sealed record NodeIdentity(string NodeId, string Role, string ClusterId)
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationalUnitOid = "2.5.4.11";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>The subject swarmkit issues: O, OU, CN in DER order, shown by .NET as "CN=…, OU=…, O=…".</summary>
    public X500DistinguishedName ToSubject()
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(NodeId);
        builder.AddOrganizationalUnitName(SwarmRoles.ToOrganizationalUnit(Role));
        builder.AddOrganizationName(ClusterId);
        return builder.Build();
    }

    /// <summary>The identity in <paramref name="certificate"/>'s subject, or null when it is not a swarm node certificate.</summary>
    public static NodeIdentity? FromCertificate(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var subject = certificate is X509Certificate2 typed ? typed.SubjectName : new X500DistinguishedName(certificate.Subject);
        string? nodeId = null, unit = null, clusterId = null;
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
                return null;
            switch (rdn.GetSingleElementType().Value)
            {
                case CommonNameOid: nodeId = rdn.GetSingleElementValue(); break;
                case OrganizationalUnitOid: unit = rdn.GetSingleElementValue(); break;
                case OrganizationOid: clusterId = rdn.GetSingleElementValue(); break;
            }
        }
        var role = SwarmRoles.FromOrganizationalUnit(unit);
        return string.IsNullOrEmpty(nodeId) || role is null || string.IsNullOrEmpty(clusterId)
            ? null
            : new NodeIdentity(nodeId, role, clusterId);
    }
}
