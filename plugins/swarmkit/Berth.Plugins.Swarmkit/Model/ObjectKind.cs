namespace Berth.Plugins.Swarmkit.Model;

/// <summary>The replicated tables. <see cref="Keys"/> holds the cluster's key material and is never served by the API.</summary>
public enum ObjectKind
{
    Node,
    Service,
    Task,
    Secret,
    Config,
    Cluster,
    Keys,
}

public static class ObjectKinds
{
    /// <summary>The Engine API's plural path names (<c>/services</c>…), which is what the cluster/1 contract passes.</summary>
    public static ObjectKind Parse(string apiKind) => apiKind switch
    {
        "nodes" => ObjectKind.Node,
        "services" => ObjectKind.Service,
        "tasks" => ObjectKind.Task,
        "secrets" => ObjectKind.Secret,
        "configs" => ObjectKind.Config,
        _ => throw new Berth.Sdk.BerthException(Berth.Sdk.BerthErrorKind.InvalidParameter, $"unknown swarm object kind \"{apiKind}\""),
    };

    /// <summary>Moby's singular noun for messages ("service", "node"…).</summary>
    public static string Noun(this ObjectKind kind) => kind.ToString().ToLowerInvariant();
}
