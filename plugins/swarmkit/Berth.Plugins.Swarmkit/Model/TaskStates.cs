namespace Berth.Plugins.Swarmkit.Model;

/// <summary>
/// swarmkit's task states in their order. States only move forward, so when two observations meet the later
/// state wins (<see cref="Rank"/>).
/// </summary>
public static class TaskStates
{
    public const string New = "new";
    public const string Pending = "pending";
    public const string Assigned = "assigned";
    public const string Accepted = "accepted";
    public const string Preparing = "preparing";
    public const string Ready = "ready";
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Shutdown = "shutdown";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Remove = "remove";
    public const string Orphaned = "orphaned";

    private static readonly string[] Order =
        [New, Pending, Assigned, Accepted, Preparing, Ready, Starting, Running, Complete, Shutdown, Failed, Rejected, Remove, Orphaned];

    /// <summary>The state's position; -1 for an unknown name.</summary>
    public static int Rank(string state) => Array.IndexOf(Order, state);

    public static bool IsKnown(string state) => Rank(state) >= 0;

    /// <summary>True once the task has stopped for good (complete and everything after it).</summary>
    public static bool IsTerminal(string state) => Rank(state) >= Rank(Complete);

    public static bool IsAtLeast(string state, string other) => Rank(state) >= Rank(other);
}
