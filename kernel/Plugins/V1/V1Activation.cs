using Berth.Sdk;

namespace Berth.Kernel.Plugins.V1;

/// <summary>The v1 handshake: <c>POST /Plugin.Activate</c>, no body, answered by <c>{"Implements":[…]}</c>.</summary>
public static class V1Activation
{
    public const string Method = "Plugin.Activate";

    /// <exception cref="BerthException">The plugin failed, is unreachable, did not answer in time, or answered without <c>Implements</c>.</exception>
    public static async Task<V1Plugin> ActivateAsync(V1PluginClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var reply = await client.CallAsync<ActivateReply>(Method, null, cancellationToken).ConfigureAwait(false);
        if (reply.Implements is null)
            throw new BerthException($"plugin {client.Name}: {Method}: the reply has no \"Implements\"");
        return new V1Plugin(client, reply.Implements.ToHashSet(StringComparer.Ordinal));
    }

    private sealed record ActivateReply(IReadOnlyList<string>? Implements);
}
