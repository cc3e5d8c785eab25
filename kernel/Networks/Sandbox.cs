using System.Net;
using Berth.Sdk;
using Berth.Sdk.Networking.Namespaces;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Kernel.Networks;

/// <summary>
/// A container's network namespace (libnetwork's sandbox): a persistent namespace file under the exec root that runc
/// joins. The daemon's side of the remote-driver contract lives here: the interface a driver created on the host is
/// moved in, renamed, addressed and brought up, and the default route set through the gateway endpoint.
/// </summary>
public static class Sandbox
{
    public static string PathOf(string execRoot, string containerId) => Path.Combine(execRoot, "netns", containerId);

    /// <summary>A fresh namespace with loopback up; one left from a crash is replaced.</summary>
    public static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path)) NetworkNamespace.Delete(path);
        NetworkNamespace.CreatePersistent(path);
        try
        {
            using var inside = NetworkNamespace.OpenNetlink(path);
            inside.SetUp(inside.GetIndex("lo") ?? throw new IOException("the new network namespace has no loopback"));
        }
        catch
        {
            NetworkNamespace.Delete(path);
            throw;
        }
    }

    /// <summary>Removes the namespace; its interfaces (and so the veth pairs) go with it. Missing is fine.</summary>
    public static void Delete(string path) => NetworkNamespace.Delete(path);

    /// <summary>The lowest <c>eth</c>N not yet in the sandbox: the name of the next network's interface.</summary>
    public static string NextInterfaceName(string path)
    {
        using var inside = NetworkNamespace.OpenNetlink(path);
        var taken = inside.GetLinks().Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var index = 0;
        while (taken.Contains($"eth{index}")) index++;
        return $"eth{index}";
    }

    /// <summary>Routes the sandbox's default traffic through <paramref name="gateway"/> on the interface that has <paramref name="interfaceAddress"/>.</summary>
    /// <exception cref="IOException">No interface of the sandbox has the address.</exception>
    public static void SetDefaultRoute(string path, IPAddress interfaceAddress, IPAddress gateway)
    {
        using var inside = NetworkNamespace.OpenNetlink(path);
        var link = inside.GetLinks().FirstOrDefault(l => inside.GetAddresses(l.Index).Any(a => a.Address.Equals(interfaceAddress)))
            ?? throw new IOException($"no interface of the sandbox has the address {interfaceAddress}");
        inside.AddRoute(null, 0, gateway, link.Index);
    }

    /// <summary>Moves <paramref name="hostName"/> into the sandbox as <paramref name="name"/> with its address; with a gateway, the default route.</summary>
    public static void AddInterface(string path, string hostName, string name, IPAddress address, int prefixLength, IPAddress? defaultGateway)
    {
        using (var host = new RtNetlink())
        using (var namespaceFile = NetworkNamespace.Open(path))
        {
            var index = host.GetIndex(hostName) ?? throw BerthException.NotFound($"the driver's interface {hostName} does not exist");
            host.MoveToNamespace(index, namespaceFile);
        }
        using var inside = NetworkNamespace.OpenNetlink(path);
        var moved = inside.GetIndex(hostName) ?? throw new IOException($"{hostName} did not arrive in the container's network namespace");
        inside.Rename(moved, name);
        inside.AddAddress(moved, address, prefixLength);
        inside.SetUp(moved);
        if (defaultGateway is not null) inside.AddRoute(null, 0, defaultGateway, moved);
    }
}
