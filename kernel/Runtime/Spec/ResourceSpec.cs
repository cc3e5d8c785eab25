using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// <c>linux.resources</c> memory, cpu, pids and blockIO from HostConfig (Moby's WithResources), dropping what the
/// host cannot enforce the way verifyPlatformContainerResources discards it (swap without swap accounting…).
/// </summary>
internal static class ResourceSpec
{
    private const long CfsPeriod = 100_000;

    public static void Apply(JsonObject resources, JsonObject hostConfig, HostSupport host)
    {
        if (Memory(hostConfig, host) is { } memory) resources["memory"] = memory;
        if (Cpu(hostConfig, host) is { } cpu) resources["cpu"] = cpu;
        var pids = JsonRead.NullableLong(hostConfig, "PidsLimit");
        if (pids > 0 && host.PidsLimit) resources["pids"] = new JsonObject { ["limit"] = pids.Value };
        if (BlockIo(hostConfig, host) is { } blockIo) resources["blockIO"] = blockIo;
    }

    private static JsonObject? Memory(JsonObject hostConfig, HostSupport host)
    {
        var memory = new JsonObject();
        var limit = host.MemoryLimit ? JsonRead.Long(hostConfig, "Memory") : 0;
        var swap = JsonRead.Long(hostConfig, "MemorySwap");
        if (limit > 0 && swap == 0) swap = limit * 2; // Moby's adaptContainerSettings default
        if (limit <= 0 || !host.SwapAccounting) swap = -1;
        if (limit > 0) memory["limit"] = limit;
        var reservation = JsonRead.Long(hostConfig, "MemoryReservation");
        if (reservation > 0 && host.MemoryReservation) memory["reservation"] = reservation;
        if (swap > 0) memory["swap"] = swap;
        if (host.KernelMemory && JsonRead.Long(hostConfig, "KernelMemory") is var kernel && kernel != 0) memory["kernel"] = kernel;
        if (host.KernelMemoryTcp && JsonRead.Long(hostConfig, "KernelMemoryTCP") is var tcp && tcp != 0) memory["kernelTCP"] = tcp;
        var swappiness = JsonRead.NullableLong(hostConfig, "MemorySwappiness");
        if (swappiness is >= 0 && host.MemorySwappiness) memory["swappiness"] = (ulong)swappiness.Value;
        if (JsonRead.NullableBool(hostConfig, "OomKillDisable") is { } disable && host.OomKillDisable) memory["disableOOMKiller"] = disable;
        return memory.Count > 0 ? memory : null;
    }

    private static JsonObject? Cpu(JsonObject hostConfig, HostSupport host)
    {
        var cpu = new JsonObject();
        var shares = JsonRead.Long(hostConfig, "CpuShares");
        if (shares < 0) throw BerthException.Invalid($"invalid CPU shares ({shares}): value must be a positive integer");
        if (shares != 0 && host.CpuShares) cpu["shares"] = (ulong)shares;

        var nanoCpus = JsonRead.Long(hostConfig, "NanoCpus");
        var period = JsonRead.Long(hostConfig, "CpuPeriod");
        var quota = JsonRead.Long(hostConfig, "CpuQuota");
        if (host.CpuCfs)
        {
            if (nanoCpus > 0)
            {
                cpu["quota"] = nanoCpus * CfsPeriod / 1_000_000_000;
                cpu["period"] = (ulong)CfsPeriod;
            }
            if (period != 0) cpu["period"] = (ulong)period;
            if (quota != 0) cpu["quota"] = quota;
        }
        var realtimePeriod = JsonRead.Long(hostConfig, "CpuRealtimePeriod");
        var realtimeRuntime = JsonRead.Long(hostConfig, "CpuRealtimeRuntime");
        if (realtimeRuntime != 0) cpu["realtimeRuntime"] = realtimeRuntime;
        if (realtimePeriod != 0) cpu["realtimePeriod"] = (ulong)realtimePeriod;
        if (host.Cpuset)
        {
            if (JsonRead.String(hostConfig, "CpusetCpus") is { Length: > 0 } cpus) cpu["cpus"] = cpus;
            if (JsonRead.String(hostConfig, "CpusetMems") is { Length: > 0 } mems) cpu["mems"] = mems;
        }
        return cpu.Count > 0 ? cpu : null;
    }

    private static JsonObject? BlockIo(JsonObject hostConfig, HostSupport host)
    {
        var blockIo = new JsonObject();
        var weight = JsonRead.Long(hostConfig, "BlkioWeight");
        if (weight > 0 && host.BlkioWeight) blockIo["weight"] = weight;
        if (host.BlkioWeightDevice)
            AddDevices(blockIo, "weightDevice", hostConfig, "BlkioWeightDevice", "Weight", "weight");
        if (host.BlkioReadBpsDevice) AddDevices(blockIo, "throttleReadBpsDevice", hostConfig, "BlkioDeviceReadBps", "Rate", "rate");
        if (host.BlkioWriteBpsDevice) AddDevices(blockIo, "throttleWriteBpsDevice", hostConfig, "BlkioDeviceWriteBps", "Rate", "rate");
        if (host.BlkioReadIOpsDevice) AddDevices(blockIo, "throttleReadIOPSDevice", hostConfig, "BlkioDeviceReadIOps", "Rate", "rate");
        if (host.BlkioWriteIOpsDevice) AddDevices(blockIo, "throttleWriteIOPSDevice", hostConfig, "BlkioDeviceWriteIOps", "Rate", "rate");
        return blockIo.Count > 0 ? blockIo : null;
    }

    /// <summary>[{Path, Weight|Rate}] → [{major, minor, weight|rate}], stat-ing each path (Moby's getBlkio*Devices).</summary>
    private static void AddDevices(JsonObject blockIo, string ociKey, JsonObject hostConfig, string dockerKey, string valueKey, string ociValueKey)
    {
        var entries = new JsonArray();
        foreach (var device in JsonRead.Objects(hostConfig, dockerKey))
        {
            var path = JsonRead.String(device, "Path");
            FileStatus status;
            try
            {
                status = SpecNative.Stat(path, followSymlinks: true);
            }
            catch (IOException e)
            {
                throw BerthException.Invalid($"stat {path}: {e.Message}");
            }
            entries.Add(new JsonObject
            {
                ["major"] = (long)status.RdevMajor,
                ["minor"] = (long)status.RdevMinor,
                [ociValueKey] = JsonRead.Long(device, valueKey),
            });
        }
        if (entries.Count > 0) blockIo[ociKey] = entries;
    }
}
