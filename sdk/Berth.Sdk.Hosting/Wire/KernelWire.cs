namespace Berth.Sdk.Hosting.Wire;

/// <summary>Names of what the kernel serves to plugins on the same connection.</summary>
public static class KernelWire
{
    public const string KernelHostPrefix = "Kernel.";
}
