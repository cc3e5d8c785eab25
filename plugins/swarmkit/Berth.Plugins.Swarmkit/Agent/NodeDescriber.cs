using System.Runtime.InteropServices;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk.Kernel;

namespace Berth.Plugins.Swarmkit.Agent;

/// <summary>The node's description as the agent reports it: hostname, platform, CPUs and memory, engine version and labels.</summary>
public static class NodeDescriber
{
    public static async Task<NodeDescription> DescribeAsync(IKernelHost kernel, CancellationToken cancellationToken)
    {
        var daemon = await kernel.DescribeAsync(cancellationToken).ConfigureAwait(false);
        return new NodeDescription
        {
            Hostname = Environment.MachineName,
            Platform = new Platform(Architecture(), "linux"),
            Resources = new NodeResources(Environment.ProcessorCount * 1_000_000_000L, await MemoryBytesAsync(cancellationToken).ConfigureAwait(false)),
            Engine = new EngineDescription
            {
                EngineVersion = daemon.Version,
                Labels = daemon.Labels.Count == 0 ? null : daemon.Labels.ToDictionary(),
            },
        };
    }

    private static string Architecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static async Task<long> MemoryBytesAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var line in await File.ReadAllLinesAsync("/proc/meminfo", cancellationToken).ConfigureAwait(false))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    continue;
                var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
