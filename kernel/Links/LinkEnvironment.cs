using System.Globalization;
using Berth.Kernel.Names;

namespace Berth.Kernel.Links;

/// <summary>
/// The environment variables a legacy link gives the parent, as moby's daemon/links (Link.ToEnv): per exposed port
/// <c>ALIAS_PORT_80_TCP</c>, <c>_ADDR</c>, <c>_PORT</c>, <c>_PROTO</c>; <c>ALIAS_PORT</c> for the lowest port (TCP first);
/// <c>_START</c>/<c>_END</c> variables for runs of consecutive ports; <c>ALIAS_NAME=/parent/alias</c>; and
/// <c>ALIAS_ENV_KEY=value</c> for the child's environment except HOME and PATH.
/// Docker deprecated these variables in v28.4 (gated behind DOCKER_KEEP_DEPRECATED_LEGACY_LINKS_ENV_VARS=1 from v29);
/// API v1.50 (Docker 28) still sets them, so whether to add them is the caller's choice.
/// </summary>
public static class LinkEnvironment
{
    private static readonly string[] IgnoredChildVariables = ["HOME", "PATH"];

    public static IReadOnlyList<string> Build(LinkTarget target, string alias, string parentName)
    {
        ArgumentNullException.ThrowIfNull(target);
        var linkName = NameRegistry.LinkName(parentName, alias);
        var prefix = linkName[(linkName.LastIndexOf('/') + 1)..].ToUpperInvariant().Replace('-', '_');
        var ports = ExposedPort.ParseAll(target.ExposedPorts);
        ports.Sort(ExposedPort.CompareTcpFirst);

        var env = new List<string>(2 + ports.Count * 4 + target.Env.Count);
        AddPorts(env, prefix, target.IpAddress, ports);
        env.Add($"{prefix}_NAME={linkName}");
        foreach (var variable in target.Env)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0) continue;
            var key = variable[..equals];
            if (IgnoredChildVariables.Contains(key, StringComparer.Ordinal)) continue;
            env.Add($"{prefix}_ENV_{key}={variable[(equals + 1)..]}");
        }
        return env;
    }

    private static void AddPorts(List<string> env, string prefix, string ip, List<ExposedPort> ports)
    {
        if (ports.Count == 0) return;
        var start = ports[0];
        var end = ports[0];
        env.Add($"{prefix}_PORT={Url(ports[0], ip)}");
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var portPrefix = PortPrefix(prefix, port);
            env.Add($"{portPrefix}={Url(port, ip)}");
            env.Add($"{portPrefix}_ADDR={ip}");
            env.Add($"{portPrefix}_PORT={Number(port)}");
            env.Add($"{portPrefix}_PROTO={port.Protocol}");

            if (port.Number == end.Number + 1 && port.Protocol == end.Protocol)
            {
                end = port;
                if (i < ports.Count - 1) continue;
            }
            if (end != start)
            {
                var rangePrefix = PortPrefix(prefix, start);
                env.Add($"{rangePrefix}_START={Url(start, ip)}");
                env.Add($"{rangePrefix}_PORT_START={Number(start)}");
                env.Add($"{rangePrefix}_END={Url(end, ip)}");
                env.Add($"{rangePrefix}_PORT_END={Number(end)}");
            }
            start = port;
            end = port;
        }
    }

    private static string PortPrefix(string prefix, ExposedPort port) =>
        $"{prefix}_PORT_{Number(port)}_{port.Protocol.ToUpperInvariant()}";

    private static string Url(ExposedPort port, string ip) => $"{port.Protocol}://{ip}:{Number(port)}";

    private static string Number(ExposedPort port) => port.Number.ToString(CultureInfo.InvariantCulture);
}
