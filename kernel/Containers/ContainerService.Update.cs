using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    private static readonly string[] UpdatableResources =
    [
        "CpuShares", "Memory", "CgroupParent", "BlkioWeight", "CpuPeriod", "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime",
        "CpusetCpus", "CpusetMems", "MemoryReservation", "MemorySwap", "KernelMemory", "NanoCpus", "PidsLimit", "OomKillDisable",
    ];

    /// <summary>POST /containers/{id}/update: new limits (applied to a running container by the runtime) and restart policy.</summary>
    public async Task<IReadOnlyList<string>> UpdateAsync(string idOrName, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var container = store.Get(idOrName);
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var host = container.HostConfig.DeepClone().AsObject();
            foreach (var key in UpdatableResources)
                if (body[key] is { } value && !(value is JsonValue v && v.TryGetValue<long>(out var n) && n == 0 && key != "PidsLimit")) host[key] = value.DeepClone();
            if (body["RestartPolicy"] is JsonObject policy && !string.IsNullOrEmpty(policy["Name"]?.GetValue<string>()))
            {
                if (HostConfigDefaults.AutoRemove(host) && policy["Name"]!.GetValue<string>() != "no")
                    throw BerthException.Invalid("Restart policy cannot be updated because AutoRemove is enabled for the container");
                host["RestartPolicy"] = policy.DeepClone();
            }
            var warnings = HostConfigValidator.Validate(host, HostSupport.Current);
            if (container.State.Running)
            {
                var resources = new JsonObject();
                ResourceSpec.Apply(resources, host, HostSupport.Current);
                await runtime.Cli.UpdateAsync(RuntimeOf(container), container.Id, resources.ToJsonString(), cancellationToken).ConfigureAwait(false);
            }
            container.HostConfig = host;
            await SaveAsync(container, cancellationToken).ConfigureAwait(false);
            events.Publish(container, "update");
            return warnings;
        }
        finally
        {
            container.Gate.Release();
        }
    }
}
