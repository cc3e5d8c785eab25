namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>The earliest time a component asked to be looked at again (a restart delay, an update delay, a monitor period).</summary>
internal sealed class Wake
{
    public DateTime? Earliest { get; private set; }

    public void At(DateTime when)
    {
        if (Earliest is null || when < Earliest)
            Earliest = when;
    }
}
