namespace Berth.Kernel.InitLayer;

/// <summary>One /etc/hosts record: an address and the names for it (space-separated), written <c>address\tnames</c>.</summary>
public readonly record struct HostsEntry(string Address, string Hosts)
{
    public string ToLine() => Address + "\t" + Hosts + "\n";
}
