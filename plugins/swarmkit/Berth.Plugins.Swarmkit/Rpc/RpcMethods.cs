namespace Berth.Plugins.Swarmkit.Rpc;

/// <summary>The control calls between nodes.</summary>
public static class RpcMethods
{
    /// <summary>Bootstrap, no certificate: the root CA a joining node checks against its token's digest.</summary>
    public const string RootCa = "ca.root";

    /// <summary>Bootstrap, no certificate: token + CSR → the new node's identity and certificate.</summary>
    public const string Join = "ca.join";

    /// <summary>Node → leader (through any manager): a certificate for the node's current role (promotion, demotion).</summary>
    public const string RenewCertificate = "ca.renew";

    /// <summary>Manager → leader: add the calling manager to the raft members.</summary>
    public const string AddMember = "raft.add";

    /// <summary>Manager → leader: remove a manager from the raft members (leave, demote).</summary>
    public const string RemoveMember = "raft.remove";

    /// <summary>Manager → leader: replicate a batch; answers the index it was applied at.</summary>
    public const string Propose = "store.propose";

    public const string Heartbeat = "dispatcher.heartbeat";
    public const string Assignments = "dispatcher.assignments";
    public const string TaskStatus = "dispatcher.status";

    /// <summary>Agent → leader (through its manager): long poll for the log subscriptions naming the node.</summary>
    public const string LogSubscriptions = "logs.subscriptions";

    /// <summary>Manager → leader: start or renew a log subscription.</summary>
    public const string LogSubscribe = "logs.subscribe";

    /// <summary>Manager → leader: end a log subscription.</summary>
    public const string LogUnsubscribe = "logs.unsubscribe";
}
