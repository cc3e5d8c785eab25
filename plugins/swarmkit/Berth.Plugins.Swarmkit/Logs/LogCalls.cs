using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Rpc;

namespace Berth.Plugins.Swarmkit.Logs;

/// <summary>The control calls of the log broker: managers (un)subscribe on the leader; agents long-poll it through their manager.</summary>
public static class LogCalls
{
    public static void Register(RpcServer server, LeaderCalls leader, LogSubscriptionRegistry registry, IManagerLink link,
        Action<RpcCaller> requireManager, Action<RpcCaller, string> requireNode)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.Handle<LogSubscribeRequest>(RpcMethods.LogSubscribe, async (caller, request, ct) =>
        {
            requireManager(caller);
            await leader.CallAsync(RpcMethods.LogSubscribe, request, _ =>
            {
                registry.Subscribe(request);
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            return null;
        });
        server.Handle<LogUnsubscribeRequest>(RpcMethods.LogUnsubscribe, async (caller, request, ct) =>
        {
            requireManager(caller);
            await leader.CallAsync(RpcMethods.LogUnsubscribe, request, _ =>
            {
                registry.Unsubscribe(request.Id);
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            return null;
        });
        server.Handle<LogSubscriptionsRequest>(RpcMethods.LogSubscriptions, async (caller, request, ct) =>
        {
            requireNode(caller, request.NodeId);
            return await link.LogSubscriptionsAsync(request, ct).ConfigureAwait(false);
        });
    }
}
