using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>How a node's role is written in the OU of its certificate, as swarmkit does.</summary>
public static class SwarmRoles
{
    public const string ManagerUnit = "swarm-manager";
    public const string WorkerUnit = "swarm-worker";

    public static string ToOrganizationalUnit(string role) => role switch
    {
        NodeRoles.Manager => ManagerUnit,
        NodeRoles.Worker => WorkerUnit,
        _ => throw new ArgumentException($"unknown node role '{role}'", nameof(role)),
    };

    public static string? FromOrganizationalUnit(string? unit) => unit switch
    {
        ManagerUnit => NodeRoles.Manager,
        WorkerUnit => NodeRoles.Worker,
        _ => null,
    };
}
