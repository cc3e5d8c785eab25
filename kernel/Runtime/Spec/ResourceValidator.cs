using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// Moby's verifyPlatformContainerResources (daemon/daemon_unix.go): the resource checks, their exact messages and the
/// warnings for limits the host cannot enforce. The HostConfig is not changed; the spec builder drops those limits.
/// </summary>
internal static class ResourceValidator
{
    /// <summary>linuxMinMemory: 6 MiB, "to account for overhead during startup".</summary>
    private const long MinMemory = 6291456;

    public static void Validate(JsonObject hostConfig, HostSupport host, bool update, List<string> warnings)
    {
        ValidateMemory(hostConfig, host, update, warnings);
        ValidateCpu(hostConfig, host, warnings);
        ValidateBlkio(hostConfig, host, warnings);
    }

    private static void ValidateMemory(JsonObject hostConfig, HostSupport host, bool update, List<string> warnings)
    {
        var memory = JsonRead.Long(hostConfig, "Memory");
        var swap = JsonRead.Long(hostConfig, "MemorySwap");
        var swappiness = JsonRead.NullableLong(hostConfig, "MemorySwappiness");
        if (swappiness == -1) swappiness = null;
        var reservation = JsonRead.Long(hostConfig, "MemoryReservation");
        var kernel = JsonRead.Long(hostConfig, "KernelMemory");
        var oomKillDisable = JsonRead.NullableBool(hostConfig, "OomKillDisable");
        var pidsLimit = JsonRead.NullableLong(hostConfig, "PidsLimit");

        if (memory != 0 && memory < MinMemory) throw Invalid("Minimum memory limit allowed is 6MB");
        if (memory > 0 && !host.MemoryLimit)
        {
            warnings.Add("Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.");
            memory = 0;
            swap = -1;
        }
        if (memory > 0 && swap != -1 && !host.SwapAccounting)
        {
            warnings.Add("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
            swap = -1;
        }
        if (memory > 0 && swap > 0 && swap < memory) throw Invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        if (memory == 0 && swap > 0 && !update) throw Invalid("You should always set the Memory limit when using Memoryswap limit, see usage");
        if (swappiness is not null && !host.MemorySwappiness)
        {
            warnings.Add("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.");
            swappiness = null;
        }
        if (swappiness is < 0 or > 100) throw Invalid($"Invalid value: {swappiness}, valid memory swappiness range is 0-100");
        if (reservation > 0 && !host.MemoryReservation)
        {
            warnings.Add("Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.");
            reservation = 0;
        }
        if (reservation > 0 && reservation < MinMemory) throw Invalid("Minimum memory reservation allowed is 6MB");
        if (memory > 0 && reservation > 0 && memory < reservation)
            throw Invalid("Minimum memory limit can not be less than memory reservation limit, see usage");
        if (kernel > 0)
        {
            if (!host.KernelMemory)
            {
                warnings.Add("Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. Limitation discarded.");
                kernel = 0;
            }
            if (kernel > 0 && kernel < MinMemory) throw Invalid("Minimum kernel memory limit allowed is 6MB");
        }
        if (oomKillDisable is not null && !host.OomKillDisable)
        {
            if (oomKillDisable.Value) warnings.Add("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
            oomKillDisable = null;
        }
        if (oomKillDisable == true && memory == 0)
            warnings.Add("OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.");
        if (pidsLimit is not null && !host.PidsLimit && pidsLimit > 0)
            warnings.Add("Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.");
    }

    private static void ValidateCpu(JsonObject hostConfig, HostSupport host, List<string> warnings)
    {
        var nanoCpus = JsonRead.Long(hostConfig, "NanoCpus");
        var period = JsonRead.Long(hostConfig, "CpuPeriod");
        var quota = JsonRead.Long(hostConfig, "CpuQuota");
        var shares = JsonRead.Long(hostConfig, "CpuShares");
        var cpus = JsonRead.String(hostConfig, "CpusetCpus");
        var mems = JsonRead.String(hostConfig, "CpusetMems");

        if (nanoCpus > 0 && period > 0) throw Invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        if (nanoCpus > 0 && quota > 0) throw Invalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        if (nanoCpus > 0 && !host.CpuCfs)
            throw Invalid("NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted");
        if (nanoCpus != 0 && (nanoCpus < 0 || nanoCpus > host.CpuCount * 1_000_000_000L))
            throw Invalid($"range of CPUs is from 0.01 to {host.CpuCount}.00, as there are only {host.CpuCount} CPUs available");
        if (shares > 0 && !host.CpuShares)
            warnings.Add("Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.");
        if ((period != 0 || quota != 0) && !host.CpuCfs)
        {
            warnings.Add("Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.");
            period = 0;
            quota = 0;
        }
        if (period != 0 && (period < 1000 || period > 1000000))
            throw Invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        if (quota > 0 && quota < 1000) throw Invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        if (JsonRead.Long(hostConfig, "CpuPercent") > 0) warnings.Add("linux does not support CPU percent. Percent discarded.");

        if ((cpus.Length > 0 || mems.Length > 0) && !host.Cpuset)
        {
            warnings.Add("Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.");
            cpus = "";
            mems = "";
        }
        CheckCpuset(cpus, host.Cpus, "cpus", "Requested CPUs are not available");
        CheckCpuset(mems, host.Mems, "mems", "Requested memory nodes are not available");
    }

    private static void CheckCpuset(string requested, string available, string what, string unavailable)
    {
        if (requested.Length == 0) return;
        CpusetList.TryParse(available, 0, out var availableSet, out _);
        var maximum = Math.Max(CpusetList.DefaultMaximum, availableSet.Count == 0 ? 0 : availableSet.Max());
        if (!CpusetList.TryParse(requested, maximum, out var set, out var error))
            throw Invalid($"Invalid value {requested} for cpuset {what}: {error}");
        if (!set.All(availableSet.Contains)) throw Invalid($"{unavailable} - requested {requested}, available: {available}");
    }

    private static void ValidateBlkio(JsonObject hostConfig, HostSupport host, List<string> warnings)
    {
        var weight = JsonRead.Long(hostConfig, "BlkioWeight");
        if (weight > 0 && !host.BlkioWeight)
        {
            warnings.Add("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
            weight = 0;
        }
        if (weight > 0 && (weight < 10 || weight > 1000)) throw Invalid("Range of blkio weight is from 10 to 1000");
        if (JsonRead.Long(hostConfig, "IOMaximumBandwidth") != 0 || JsonRead.Long(hostConfig, "IOMaximumIOps") != 0)
            throw Invalid("Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps");
        Discarded(hostConfig, "BlkioWeightDevice", host.BlkioWeightDevice, warnings,
            "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.");
        Discarded(hostConfig, "BlkioDeviceReadBps", host.BlkioReadBpsDevice, warnings,
            "Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit discarded.");
        Discarded(hostConfig, "BlkioDeviceWriteBps", host.BlkioWriteBpsDevice, warnings,
            "Your kernel does not support BPS Block I/O write limit or the cgroup is not mounted. Block I/O BPS write limit discarded.");
        Discarded(hostConfig, "BlkioDeviceReadIOps", host.BlkioReadIOpsDevice, warnings,
            "Your kernel does not support IOPS Block read limit or the cgroup is not mounted. Block I/O IOPS read limit discarded.");
        Discarded(hostConfig, "BlkioDeviceWriteIOps", host.BlkioWriteIOpsDevice, warnings,
            "Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block I/O IOPS write limit discarded.");
    }

    private static void Discarded(JsonObject hostConfig, string key, bool supported, List<string> warnings, string warning)
    {
        if (!supported && JsonRead.Objects(hostConfig, key).Any()) warnings.Add(warning);
    }

    private static BerthException Invalid(string message) => BerthException.Invalid(message);
}
