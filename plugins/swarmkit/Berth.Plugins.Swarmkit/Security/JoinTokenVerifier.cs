using System.Security.Cryptography;
using System.Text;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>Decides which role a presented join token grants, comparing it in constant time with both current tokens.</summary>
public sealed record JoinTokenVerifier(string CaDigest, JoinToken WorkerToken, JoinToken ManagerToken)
{
    /// <returns><see cref="NodeRoles.Worker"/> or <see cref="NodeRoles.Manager"/>.</returns>
    /// <exception cref="InvalidJoinTokenException">The token is malformed, or is neither current token.</exception>
    /// <exception cref="CaDigestMismatchException">The token pins another root CA than this cluster's.</exception>
    public string RoleFor(string? presented)
    {
        var token = JoinToken.Parse(presented);
        if (!string.Equals(token.CaDigest, CaDigest, StringComparison.Ordinal))
            throw new CaDigestMismatchException(token.CaDigest);
        var bytes = Encoding.ASCII.GetBytes(token.ToString());
        var isWorker = CryptographicOperations.FixedTimeEquals(bytes, Encoding.ASCII.GetBytes(WorkerToken.ToString()));
        var isManager = CryptographicOperations.FixedTimeEquals(bytes, Encoding.ASCII.GetBytes(ManagerToken.ToString()));
        if (isManager)
            return NodeRoles.Manager;
        if (isWorker)
            return NodeRoles.Worker;
        throw new InvalidJoinTokenException(InvalidJoinTokenException.NotAccepted);
    }
}
