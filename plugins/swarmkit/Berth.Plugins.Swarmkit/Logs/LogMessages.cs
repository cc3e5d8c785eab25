using Berth.Sdk.Logging;

namespace Berth.Plugins.Swarmkit.Logs;

/// <summary>A task whose container's log a node publishes.</summary>
public sealed record LogTarget(string TaskId, string ServiceId, string ContainerId);

/// <summary>
/// A <c>docker service logs</c> in progress, as the leader keeps it (swarmkit's log broker subscription): which
/// manager gathers the stream (<paramref name="BrokerAddr"/>, its swarm port) and what each node publishes.
/// </summary>
public sealed record LogSubscribeRequest(string Id, string BrokerAddr, ReadConfig Config, IReadOnlyDictionary<string, IReadOnlyList<LogTarget>> Nodes);

public sealed record LogUnsubscribeRequest(string Id);

/// <summary>One node's part of a subscription.</summary>
public sealed record LogSubscription(string Id, string BrokerAddr, ReadConfig Config, IReadOnlyList<LogTarget> Targets);

/// <summary>An agent's long poll for the subscriptions it must publish to.</summary>
public sealed record LogSubscriptionsRequest(string NodeId, long KnownRevision, long WaitMs);

/// <param name="Revision">Changes whenever a subscription starts or ends.</param>
public sealed record NodeLogSubscriptions(long Revision, IReadOnlyList<LogSubscription> Subscriptions);

/// <summary>The first frame a publisher sends on the log channel: which subscription it serves, as which node.</summary>
public sealed record LogPublishHello(string SubscriptionId, string NodeId);
