using System.Net;

namespace Berth.Sdk.Networking.Netlink;

public sealed partial class RtNetlink
{
    /// <summary><c>ip addr add ADDRESS/PREFIX dev INDEX</c> (with the subnet's broadcast address for IPv4).</summary>
    /// <exception cref="NetlinkException">EEXIST when the link already has the address.</exception>
    public void AddAddress(int index, IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        Execute(AddressMessages.Add(ValidateIndex(index, nameof(index)), address, prefixLength), AddressSubject(index, address, prefixLength));
    }

    /// <summary><c>ip addr del ADDRESS/PREFIX dev INDEX</c>.</summary>
    /// <exception cref="NetlinkException">EADDRNOTAVAIL when the link does not have the address.</exception>
    public void DeleteAddress(int index, IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        Execute(AddressMessages.Delete(ValidateIndex(index, nameof(index)), address, prefixLength), AddressSubject(index, address, prefixLength));
    }

    /// <summary>The IPv4 and IPv6 addresses of link <paramref name="index"/>, in the kernel's order.</summary>
    public IReadOnlyList<InterfaceAddress> GetAddresses(int index)
    {
        ValidateIndex(index, nameof(index));
        var addresses = new List<InterfaceAddress>();
        foreach (var message in Execute(AddressMessages.Dump(), "dump"))
        {
            if (message.Type != RtnetlinkTypes.NewAddress) continue;
            var (linkIndex, address) = AddressMessages.Parse(message);
            if (linkIndex == index && address is not null) addresses.Add(address);
        }
        return addresses;
    }

    private static string AddressSubject(int index, IPAddress address, int prefixLength) => $"{address}/{prefixLength} dev {index}";
}
