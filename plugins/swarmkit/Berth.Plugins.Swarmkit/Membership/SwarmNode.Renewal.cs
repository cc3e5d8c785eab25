using Berth.Plugins.Swarmkit.Security;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// Certificate renewal (swarmkit's node certificate rotation): between 50 % and 80 % of its certificate's lifetime a
/// node asks the leader for a new one for the same role, writes it and presents it on every new connection, so a swarm
/// outlives its 90-day (or <c>--cert-expiry</c>) certificates.
/// </summary>
public sealed partial class SwarmNode
{
    private static readonly TimeSpan RenewalRetry = TimeSpan.FromMinutes(1);

    // Task.Delay takes at most ~49 days; a longer wait is taken in steps.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly List<NodeCredentials> retired = [];
    private Task renewal = Task.CompletedTask;

    private async Task RenewWhenDueAsync(CancellationToken cancellationToken)
    {
        var due = RenewalDue();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var wait = due - env.Time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < LongestWait ? wait : LongestWait, env.Time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                due = await RenewCertificateAsync(cancellationToken).ConfigureAwait(false)
                    ? RenewalDue()
                    : env.Time.GetUtcNow() + RenewalRetry;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is BerthException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await env.Log.WriteLineAsync($"swarm: renewing this node's certificate failed, trying again in {RenewalRetry.TotalSeconds:0} s: {e.Message}").ConfigureAwait(false);
                due = env.Time.GetUtcNow() + RenewalRetry;
            }
        }
    }

    private DateTimeOffset RenewalDue()
    {
        var certificate = credentials.Certificate;
        return NodeCertificateExpiry.RenewalDue(certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(), Random.Shared.NextDouble());
    }

    /// <returns>False when the leader holds this node to another role: the role change replaces the node, with its own certificate.</returns>
    private async Task<bool> RenewCertificateAsync(CancellationToken cancellationToken)
    {
        using var key = NodeKey.Create();
        var answer = await RequestCertificateAsync(key, cancellationToken).ConfigureAwait(false);
        if (answer.Role != State.Role || Volatile.Read(ref changingRole) != 0)
            return false;
        var renewed = NodeCredentials.Create(key, answer.CertificatePem, answer.RootCaPem);
        try
        {
            renewed.Save(CertificatesDirectory, sealedWith.Length == 0 ? null : UnlockKey.Parse(sealedWith));
            tls.Present(renewed);
        }
        catch
        {
            renewed.Dispose();
            throw;
        }
        // The old certificate may still be in a handshake under way: it is disposed with the node.
        retired.Add(credentials);
        credentials = renewed;
        await env.Log.WriteLineAsync($"swarm: renewed this node's certificate, valid until {renewed.Certificate.NotAfter.ToUniversalTime():u}").ConfigureAwait(false);
        return true;
    }
}
