using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class HostConfigValidatorTests
{
    private static string Error(JsonObject hostConfig, HostSupport? host = null)
    {
        var ex = Assert.Throws<BerthException>(() => HostConfigValidator.Validate(hostConfig, host ?? HybridHost()))!;
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        return ex.Message;
    }

    [Test]
    public void Validate_EmptyHostConfig_NoWarnings()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject(), HybridHost()), Is.Empty);
    }

    [TestCase("Memory", 1024L, "Minimum memory limit allowed is 6MB")]
    [TestCase("MemoryReservation", 1024L, "Minimum memory reservation allowed is 6MB")]
    [TestCase("KernelMemory", 1024L, "Minimum kernel memory limit allowed is 6MB")]
    [TestCase("MemorySwappiness", 101L, "Invalid value: 101, valid memory swappiness range is 0-100")]
    [TestCase("OomScoreAdj", 1001L, "Invalid value 1001, range for oom score adj is [-1000, 1000]")]
    [TestCase("OomScoreAdj", -1001L, "Invalid value -1001, range for oom score adj is [-1000, 1000]")]
    [TestCase("ShmSize", -1L, "SHM size can not be less than 0")]
    [TestCase("CpuPeriod", 999L, "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")]
    [TestCase("CpuPeriod", 1000001L, "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")]
    [TestCase("CpuQuota", 999L, "CPU cfs quota can not be less than 1ms (i.e. 1000)")]
    [TestCase("NanoCpus", 3_000_000_000L, "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available")]
    [TestCase("NanoCpus", -1L, "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available")]
    [TestCase("BlkioWeight", 5L, "Range of blkio weight is from 10 to 1000")]
    [TestCase("CpuShares", -2L, "invalid CPU shares (-2): value must be a positive integer")]
    [TestCase("IOMaximumBandwidth", 10L, "invalid option: QoS maximum bandwidth configuration is not supported on linux")]
    public void Validate_SingleBadValue_ThrowsMobysMessage(string key, long value, string message)
    {
        Assert.That(Error(new JsonObject { [key] = value }), Is.EqualTo(message));
    }

    [Test]
    public void Validate_SwapBelowMemory_Throws()
    {
        Assert.That(Error(new JsonObject { ["Memory"] = 67108864, ["MemorySwap"] = 33554432 }),
            Is.EqualTo("Minimum memoryswap limit should be larger than memory limit, see usage"));
    }

    [Test]
    public void Validate_SwapWithoutMemory_ThrowsOnCreateNotOnUpdate()
    {
        var hostConfig = new JsonObject { ["MemorySwap"] = 67108864 };

        Assert.That(Error(hostConfig), Is.EqualTo("You should always set the Memory limit when using Memoryswap limit, see usage"));
        Assert.That(HostConfigValidator.Validate(hostConfig, HybridHost(), update: true), Is.Empty);
    }

    [Test]
    public void Validate_MemoryBelowReservation_Throws()
    {
        Assert.That(Error(new JsonObject { ["Memory"] = 8388608, ["MemoryReservation"] = 16777216 }),
            Is.EqualTo("Minimum memory limit can not be less than memory reservation limit, see usage"));
    }

    [Test]
    public void Validate_MemoryWithoutSwapAccounting_WarnsMemoryLimitedWithoutSwap()
    {
        var warnings = HostConfigValidator.Validate(new JsonObject { ["Memory"] = 67108864, ["MemorySwap"] = 33554432 }, UnifiedHost());

        Assert.That(warnings, Is.EqualTo(new[] { "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap." }));
    }

    [Test]
    public void Validate_SwappinessOnV2_WarnsDiscarded()
    {
        var warnings = HostConfigValidator.Validate(new JsonObject { ["MemorySwappiness"] = 50 }, UnifiedHost());

        Assert.That(warnings, Does.Contain("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded."));
    }

    [Test]
    public void Validate_SwappinessMinusOne_MeansUnset()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["MemorySwappiness"] = -1 }, UnifiedHost()), Is.Empty);
    }

    [Test]
    public void Validate_OomKillDisableWithoutMemory_Warns()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["OomKillDisable"] = true }, HybridHost()),
            Is.EqualTo(new[] { "OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources." }));
    }

    [Test]
    public void Validate_OomKillDisableOnV2_WarnsDiscarded()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["OomKillDisable"] = true }, UnifiedHost()),
            Is.EqualTo(new[] { "Your kernel does not support OomKillDisable. OomKillDisable discarded." }));
    }

    [Test]
    public void Validate_KernelMemoryOnV2_WarnsDiscarded()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["KernelMemory"] = 1024 }, UnifiedHost()),
            Is.EqualTo(new[] { "Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. Limitation discarded." }));
    }

    [TestCase("CpuPeriod", "Conflicting options: Nano CPUs and CPU Period cannot both be set")]
    [TestCase("CpuQuota", "Conflicting options: Nano CPUs and CPU Quota cannot both be set")]
    public void Validate_NanoCpusWithCfsSetting_ThrowsConflict(string key, string message)
    {
        Assert.That(Error(new JsonObject { ["NanoCpus"] = 1_000_000_000, [key] = 50000 }), Is.EqualTo(message));
    }

    [Test]
    public void Validate_NanoCpusWithinRange_Accepted()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["NanoCpus"] = 2_000_000_000 }, HybridHost()), Is.Empty);
    }

    [Test]
    public void Validate_UnavailableCpuset_ThrowsWithTheAvailableCpus()
    {
        Assert.That(Error(new JsonObject { ["CpusetCpus"] = "99" }), Is.EqualTo("Requested CPUs are not available - requested 99, available: 0-1"));
        Assert.That(Error(new JsonObject { ["CpusetMems"] = "1" }), Is.EqualTo("Requested memory nodes are not available - requested 1, available: 0"));
    }

    [Test]
    public void Validate_MalformedCpuset_ThrowsInvalidFormat()
    {
        Assert.That(Error(new JsonObject { ["CpusetCpus"] = "1-x" }), Is.EqualTo("Invalid value 1-x for cpuset cpus: invalid format: 1-x"));
    }

    [Test]
    public void Validate_CpusetWithinRange_Accepted()
    {
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["CpusetCpus"] = "0-1", ["CpusetMems"] = "0" }, HybridHost()), Is.Empty);
    }

    [TestCase("bogus", 0, "invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'")]
    [TestCase("on-failure", -1, "invalid restart policy: maximum retry count cannot be negative")]
    [TestCase("always", 3, "invalid restart policy: maximum retry count can only be used with 'on-failure'")]
    [TestCase("no", -1, "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative")]
    public void Validate_BadRestartPolicy_ThrowsMobysMessage(string name, int retries, string message)
    {
        Assert.That(Error(new JsonObject { ["RestartPolicy"] = new JsonObject { ["Name"] = name, ["MaximumRetryCount"] = retries } }), Is.EqualTo(message));
    }

    [Test]
    public void Validate_OnFailureWithRetries_Accepted()
    {
        var hostConfig = new JsonObject { ["RestartPolicy"] = new JsonObject { ["Name"] = "on-failure", ["MaximumRetryCount"] = 5 } };

        Assert.That(HostConfigValidator.Validate(hostConfig, HybridHost()), Is.Empty);
    }

    [Test]
    public void Validate_AutoRemoveWithRestartPolicy_Throws()
    {
        Assert.That(Error(new JsonObject { ["AutoRemove"] = true, ["RestartPolicy"] = new JsonObject { ["Name"] = "always" } }),
            Is.EqualTo("can't create 'AutoRemove' container with restart policy"));
    }

    [Test]
    public void Validate_UnknownCapAdd_ThrowsWrappedMessage()
    {
        Assert.That(Error(new JsonObject { ["CapAdd"] = Json("FOO") }), Is.EqualTo("invalid CapAdd: unknown capability: \"CAP_FOO\""));
        Assert.That(Error(new JsonObject { ["CapDrop"] = Json("BAR") }), Is.EqualTo("invalid CapDrop: unknown capability: \"CAP_BAR\""));
    }

    [TestCase("IpcMode", "bogus", "invalid IPC mode: bogus")]
    [TestCase("PidMode", "bogus", "invalid PID mode: bogus")]
    [TestCase("UTSMode", "bogus", "invalid UTS mode: bogus")]
    [TestCase("CgroupnsMode", "bogus", "invalid cgroup namespace mode: bogus")]
    [TestCase("Isolation", "hyperv", "invalid isolation 'hyperv' on linux")]
    [TestCase("SecurityOpt", "bogus", "invalid --security-opt 1: \"bogus\"")]
    public void Validate_BadMode_ThrowsMobysMessage(string key, string value, string message)
    {
        JsonNode node = key == "SecurityOpt" ? Json(value) : value;

        Assert.That(Error(new JsonObject { [key] = node }), Is.EqualTo(message));
    }

    [TestCase("/", "invalid specification: destination can't be '/'")]
    [TestCase("run", "invalid mount path: 'run' mount path must be absolute")]
    public void Validate_BadTmpfsDestination_Throws(string destination, string message)
    {
        Assert.That(Error(new JsonObject { ["Tmpfs"] = new JsonObject { [destination] = "" } }), Is.EqualTo(message));
    }

    [Test]
    public void Validate_HostNetworkWithPublishedPorts_Warns()
    {
        var hostConfig = new JsonObject
        {
            ["NetworkMode"] = "host",
            ["PortBindings"] = new JsonObject { ["80/tcp"] = new JsonArray(new JsonObject { ["HostPort"] = "8080" }) },
        };

        Assert.That(HostConfigValidator.Validate(hostConfig, HybridHost()), Is.EqualTo(new[] { "Published ports are discarded when using host network mode" }));
    }

    [Test]
    public void Validate_IpForwardingDisabled_WarnsUnlessHostOrNone()
    {
        var host = HybridHost() with { IPv4ForwardingDisabled = true };

        Assert.That(HostConfigValidator.Validate(new JsonObject { ["NetworkMode"] = "bridge" }, host), Is.EqualTo(new[] { "IPv4 forwarding is disabled. Networking will not work." }));
        Assert.That(HostConfigValidator.Validate(new JsonObject { ["NetworkMode"] = "none" }, host), Is.Empty);
    }

    [Test]
    public void Validate_RealtimeRuntimeAbovePeriod_Throws()
    {
        Assert.That(Error(new JsonObject { ["CpuRealtimePeriod"] = 1000, ["CpuRealtimeRuntime"] = 2000 }),
            Is.EqualTo("cpu real-time runtime cannot be higher than cpu real-time period"));
    }
}
