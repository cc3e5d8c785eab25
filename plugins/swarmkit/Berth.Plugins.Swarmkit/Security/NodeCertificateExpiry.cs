using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// swarmkit's <c>CAConfig.NodeCertExpiry</c> (<c>docker swarm init|update --cert-expiry</c>): how long the node
/// certificates the leader signs live, and when a node renews its own.
/// </summary>
public static class NodeCertificateExpiry
{
    /// <summary>swarmkit's MinNodeCertExpiration.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromHours(1);

    /// <summary>The validity the spec asks for; absent or zero keeps the default of 90 days.</summary>
    public static TimeSpan Of(SwarmSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var nanoseconds = Nanoseconds(spec);
        return nanoseconds > 0 ? TimeSpan.FromTicks(nanoseconds / 100) : CertificateProfiles.NodeValidity;
    }

    /// <summary>Refuses an expiry below the minimum with swarmkit's message (400).</summary>
    public static void Validate(SwarmSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var nanoseconds = Nanoseconds(spec);
        if (nanoseconds < 0 || (nanoseconds > 0 && TimeSpan.FromTicks(nanoseconds / 100) < Minimum))
            throw BerthException.Invalid("minimum certificate expiry time is: 1h0m0s");
    }

    /// <summary>
    /// When a certificate is renewed: at a random point between 50 % and 80 % of its lifetime, as swarmkit spreads the
    /// renewals of a swarm's nodes. <paramref name="fraction"/> in [0, 1) picks the point.
    /// </summary>
    public static DateTimeOffset RenewalDue(DateTimeOffset notBefore, DateTimeOffset notAfter, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        var lifetime = notAfter - notBefore;
        return lifetime <= TimeSpan.Zero ? notBefore : notBefore + lifetime * (0.5 + 0.3 * fraction);
    }

    private static long Nanoseconds(SwarmSpec spec) =>
        spec.CAConfig is { ValueKind: JsonValueKind.Object } ca && ca.TryGetProperty("NodeCertExpiry", out var value) && value.TryGetInt64(out var ns)
            ? ns
            : 0;
}
