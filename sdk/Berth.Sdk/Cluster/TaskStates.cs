namespace Berth.Sdk.Cluster;

/// <summary>
/// swarmkit's task states as the Engine API and the cluster/1 contract name them, in their order (api/types.proto TaskState: NEW 0 … ORPHANED 832).
/// States only move forward, so when two observations of one task meet, the later state wins.
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

    /// <summary>Orders state names as swarmkit orders the states; unknown names come before every known one.</summary>
    public static IComparer<string> Comparer { get; } = Comparer<string>.Create((a, b) => Rank(a).CompareTo(Rank(b)));

    /// <summary>The state's position in the order; -1 for a name that is not a task state.</summary>
    public static int Rank(string? state) => state is null ? -1 : Array.IndexOf(Order, state);

    /// <summary>Complete and everything after it: the task's process will not run again.</summary>
    public static bool IsTerminal(string? state) => Rank(state) >= Rank(Complete);

    public static bool IsKnown(string? state) => Rank(state) >= 0;

    public static bool IsAtLeast(string? state, string other) => Rank(state) >= Rank(other);

    /// <summary>The later of two observations.</summary>
    public static string Max(string a, string b) => Rank(b) > Rank(a) ? b : a;
}
