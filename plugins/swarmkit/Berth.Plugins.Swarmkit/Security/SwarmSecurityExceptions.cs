namespace Berth.Plugins.Swarmkit.Security;

/// <summary>Base of the swarm security failures whose messages are Docker's own, so they can cross to the CLI unchanged.</summary>
public abstract class SwarmSecurityException : Exception
{
    protected SwarmSecurityException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

public sealed class InvalidJoinTokenException : SwarmSecurityException
{
    public const string Malformed = "invalid join token";
    public const string NotAccepted = "A valid join token is necessary to join this cluster";

    public InvalidJoinTokenException(string message = Malformed)
        : base(message)
    {
    }
}

public sealed class CaDigestMismatchException : SwarmSecurityException
{
    public CaDigestMismatchException(string expectedDigest)
        : base($"remote CA does not match fingerprint. Expected: {expectedDigest}")
    {
        ExpectedDigest = expectedDigest;
    }

    public string ExpectedDigest { get; }
}

public sealed class InvalidUnlockKeyException : SwarmSecurityException
{
    public InvalidUnlockKeyException()
        : base("invalid unlock key")
    {
    }
}

public sealed class IncorrectUnlockKeyException : SwarmSecurityException
{
    public IncorrectUnlockKeyException(Exception? inner = null)
        : base("unlock key is incorrect", inner)
    {
    }
}

public sealed class SwarmLockedException : SwarmSecurityException
{
    public SwarmLockedException()
        : base("Swarm is encrypted and needs to be unlocked before it can be used. Please use \"docker swarm unlock\" to unlock it.")
    {
    }
}

public sealed class SecretBoxException : SwarmSecurityException
{
    public SecretBoxException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
