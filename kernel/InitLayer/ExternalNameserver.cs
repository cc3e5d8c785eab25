namespace Berth.Kernel.InitLayer;

/// <summary>
/// A nameserver taken out of a container's resolv.conf for the embedded DNS server to forward to.
/// <paramref name="HostLoopback"/>: read from the host's file, so it must be reached from the host's network namespace.
/// </summary>
public readonly record struct ExternalNameserver(string Address, bool HostLoopback)
{
    public override string ToString() => HostLoopback ? $"host({Address})" : Address;
}
