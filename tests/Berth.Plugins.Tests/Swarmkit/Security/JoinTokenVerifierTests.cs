using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class JoinTokenVerifierTests
{
    private const string Digest = "1w6hqbo1pmfmkgcpbxnfr5a0zq6ra6ah7jgqsm7vsa9ipg5gmq";
    private const string OtherDigest = "0000000000000000000000000000000000000000000000000z";

    private readonly JoinToken worker = JoinToken.Generate(Digest);
    private readonly JoinToken manager = JoinToken.Generate(Digest);

    private JoinTokenVerifier Verifier => new(Digest, worker, manager);

    [Test]
    public void RoleFor_WorkerToken_GrantsWorker()
    {
        Assert.That(Verifier.RoleFor(worker.ToString()), Is.EqualTo(NodeRoles.Worker));
    }

    [Test]
    public void RoleFor_ManagerToken_GrantsManager()
    {
        Assert.That(Verifier.RoleFor(manager.ToString()), Is.EqualTo(NodeRoles.Manager));
    }

    [Test]
    public void RoleFor_TokenRotatedAway_ThrowsNotAccepted()
    {
        var verifier = Verifier with { WorkerToken = worker.Rotate() };

        var error = Assert.Throws<InvalidJoinTokenException>(() => verifier.RoleFor(worker.ToString()));

        Assert.That(error!.Message, Is.EqualTo("A valid join token is necessary to join this cluster"));
    }

    [Test]
    public void RoleFor_RotatedToken_GrantsItsRole()
    {
        var rotated = manager.Rotate();

        Assert.That((Verifier with { ManagerToken = rotated }).RoleFor(rotated.ToString()), Is.EqualTo(NodeRoles.Manager));
    }

    [Test]
    public void RoleFor_TokenPinningAnotherCa_ThrowsFingerprintMismatch()
    {
        var presented = $"SWMTKN-1-{OtherDigest}-{worker.Secret}";

        var error = Assert.Throws<CaDigestMismatchException>(() => Verifier.RoleFor(presented));

        Assert.That(error!.Message, Is.EqualTo($"remote CA does not match fingerprint. Expected: {OtherDigest}"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("SWMTKN-1-garbage")]
    public void RoleFor_Malformed_ThrowsInvalidJoinToken(string? presented)
    {
        var error = Assert.Throws<InvalidJoinTokenException>(() => Verifier.RoleFor(presented));

        Assert.That(error!.Message, Is.EqualTo("invalid join token"));
    }
}
