using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// swarmkit's join token <c>SWMTKN-1-&lt;CA digest, 50&gt;-&lt;secret, 25&gt;</c>: the digest pins the root CA for the joiner,
/// the secret (128 random bits in base 36) decides the role it is granted.
/// </summary>
public sealed record JoinToken
{
    public const string Prefix = "SWMTKN-1-";
    public const int SecretLength = 25;

    private JoinToken(string caDigest, string secret)
    {
        CaDigest = caDigest;
        Secret = secret;
    }

    public string CaDigest { get; }

    public string Secret { get; }

    public static JoinToken Generate(string caDigest)
    {
        if (!Security.CaDigest.IsWellFormed(caDigest))
            throw new ArgumentException("a CA digest is 50 lowercase base-36 characters", nameof(caDigest));
        return new JoinToken(caDigest, Base36.Encode(RandomNumberGenerator.GetBytes(16), SecretLength));
    }

    /// <summary>A new secret for the same CA, as <c>docker swarm join-token --rotate</c> does.</summary>
    public JoinToken Rotate() => Generate(CaDigest);

    /// <exception cref="InvalidJoinTokenException">The text is not a join token.</exception>
    public static JoinToken Parse(string? text) =>
        TryParse(text, out var token) ? token : throw new InvalidJoinTokenException();

    public static bool TryParse(string? text, [NotNullWhen(true)] out JoinToken? token)
    {
        token = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var parts = text[Prefix.Length..].Split('-');
        if (parts.Length != 2 || !Security.CaDigest.IsWellFormed(parts[0]) || !BaseThirtySix.IsDigits(parts[1], SecretLength))
            return false;
        token = new JoinToken(parts[0], parts[1]);
        return true;
    }

    public override string ToString() => $"{Prefix}{CaDigest}-{Secret}";
}
