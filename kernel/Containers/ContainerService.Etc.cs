using System.Text.Json.Nodes;
using Berth.Kernel.InitLayer;
using Berth.Kernel.Links;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>Writes the container's hostname, hosts and resolv.conf (with legacy-link entries); returns destination → file.</summary>
    private async Task<IReadOnlyList<(string Destination, string Source)>> WriteEtcFilesAsync(Container container, CancellationToken cancellationToken)
    {
        var files = new EtcFiles(store.DirectoryOf(container.Id));
        var mode = container.NetworkMode;
        var host = container.HostConfig;
        await files.WriteHostnameAsync(container.Config["Hostname"]?.GetValue<string>() ?? container.ShortId, cancellationToken).ConfigureAwait(false);
        await files.WriteHostsAsync(new HostsFileOptions
        {
            Hostname = container.Config["Hostname"]?.GetValue<string>() ?? container.ShortId,
            Domainname = container.Config["Domainname"]?.GetValue<string>() ?? "",
            ExtraHosts = JsonRead.Strings(host, "ExtraHosts"),
            LinkEntries = LinkTargets(container).SelectMany(l => LinkHosts.Entries(l.Target, l.Alias)).ToList(),
            HostNetwork = mode == "host",
            ContainerAddresses = AddressesOf(container),
        }, cancellationToken).ConfigureAwait(false);
        await files.WriteResolvConfAsync(ResolvConfOptionsOf(container), cancellationToken).ConfigureAwait(false);
        return [("/etc/hostname", files.HostnamePath), ("/etc/hosts", files.HostsPath), ("/etc/resolv.conf", files.ResolvConfPath)];
    }

    /// <summary>What the container's resolv.conf is made from: on a user-defined network it names the embedded DNS (127.0.0.11).</summary>
    private ResolvConfOptions ResolvConfOptionsOf(Container container) => new()
    {
        Network = container.NetworkMode == "host" ? ResolvConfNetwork.Host
            : OnUserDefinedNetwork(container) ? ResolvConfNetwork.UserDefined
            : UsesSandbox(container) ? ResolvConfNetwork.Bridge
            : ResolvConfNetwork.None,
        Dns = JsonRead.Strings(container.HostConfig, "Dns"),
        DnsSearch = JsonRead.Strings(container.HostConfig, "DnsSearch"),
        DnsOptions = JsonRead.Strings(container.HostConfig, "DnsOptions"),
    };

    /// <summary>The container's Config.Env plus the variables of its legacy links.</summary>
    private JsonObject ConfigWithLinks(Container container)
    {
        var links = LinkTargets(container);
        if (links.Count == 0) return container.Config;
        var config = container.Config.DeepClone().AsObject();
        var env = config["Env"] as JsonArray ?? [];
        foreach (var (target, alias) in links)
            foreach (var variable in LinkEnvironment.Build(target, alias, container.Name)) env.Add(variable);
        config["Env"] = env;
        return config;
    }

    private List<(LinkTarget Target, string Alias)> LinkTargets(Container container)
    {
        var result = new List<(LinkTarget, string)>();
        foreach (var link in JsonRead.Strings(container.HostConfig, "Links"))
        {
            var spec = LinkSpec.Parse(link);
            var child = store.Get(spec.Name);
            if (!child.State.Running) throw Sdk.BerthException.Invalid($"Cannot link to a non running container: {child.Name} AS {container.Name}/{spec.Alias}");
            var exposed = child.Config["ExposedPorts"] is JsonObject ports ? ports.Select(p => p.Key).ToList() : [];
            result.Add((new LinkTarget(child.Id, child.Name, "", exposed, JsonRead.Strings(child.Config, "Env"), child.Config["Hostname"]?.GetValue<string>()), spec.Alias));
        }
        return result;
    }
}
