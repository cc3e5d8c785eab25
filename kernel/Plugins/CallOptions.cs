namespace Berth.Kernel.Plugins;

/// <summary>How one contract call is sent: its wire name, whether it may be retried, whether it gets the long deadline.</summary>
public sealed record CallOptions(string Method, bool Idempotent, bool LongRunning)
{
    public const int LongRunningFactor = 10;
}
