using System.Text.Json;
using Berth.Plugins.Swarmkit.Membership;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit;

/// <summary><c>docker swarm update</c>, join token rotation, autolock and unlock.</summary>
public sealed partial class SwarmkitPlugin
{
    public async Task UpdateAsync(long version, JsonElement spec, SwarmUpdateFlags flags, CancellationToken cancellationToken)
    {
        var manager = await ManagerAsync(cancellationToken).ConfigureAwait(false);
        var state = manager.Proposer.Current;
        var cluster = state.Cluster ?? throw BerthException.Unavailable("the swarm is still being created");
        var keys = state.Keys ?? throw BerthException.Unavailable("the swarm is still being created");
        var requested = SwarmJson.From<SwarmSpec>(spec);
        if (requested.Dispatcher.HeartbeatPeriod < 0)
            throw BerthException.Invalid("heartbeat period must be positive");
        NodeCertificateExpiry.Validate(requested);
        var tokens = cluster.JoinTokens;
        if (flags.RotateWorkerToken)
            tokens = tokens with { Worker = JoinToken.Parse(tokens.Worker).Rotate().ToString() };
        if (flags.RotateManagerToken)
            tokens = tokens with { Manager = JoinToken.Parse(tokens.Manager).Rotate().ToString() };
        var autolock = requested.EncryptionConfig.AutoLockManagers;
        var unlockKey = !autolock ? "" : keys.UnlockKey.Length == 0 || flags.RotateManagerUnlockKey ? UnlockKey.Generate().ToString() : keys.UnlockKey;
        var ops = new List<StoreOp> { StoreOp.Update(cluster with { Spec = requested, JoinTokens = tokens, Version = new ObjectVersion(version) }) };
        if (unlockKey != keys.UnlockKey)
            ops.Add(StoreOp.Update(keys with { UnlockKey = unlockKey }));
        await manager.Proposer.ProposeAsync(ops, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> GetUnlockKeyAsync(CancellationToken cancellationToken)
    {
        var manager = await ManagerAsync(cancellationToken).ConfigureAwait(false);
        var key = manager.Proposer.Current.Keys?.UnlockKey;
        return string.IsNullOrEmpty(key) ? throw BerthException.NotFound("no unlock key is set") : key;
    }

    public async Task UnlockAsync(string unlockKey, CancellationToken cancellationToken)
    {
        await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = locked ?? throw BerthException.Conflict("swarm is not locked!");
            UnlockKey key;
            try
            {
                key = UnlockKey.Parse(unlockKey);
            }
            catch (SwarmSecurityException e)
            {
                throw BerthException.Invalid(e.Message);
            }
            try
            {
                node = await SwarmNode.ResumeAsync(env, state, key, forceNewCluster: false, cancellationToken).ConfigureAwait(false);
            }
            catch (IncorrectUnlockKeyException e)
            {
                throw BerthException.Invalid(e.Message);
            }
            locked = null;
        }
        finally
        {
            gate.Release();
        }
    }
}
