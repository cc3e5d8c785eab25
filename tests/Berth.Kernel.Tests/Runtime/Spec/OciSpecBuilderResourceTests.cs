using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class OciSpecBuilderResourceTests
{
    private static JsonObject Resources(JsonObject hostConfig, HostSupport? host = null) => Build(hostConfig: hostConfig, host: host)["linux"]!["resources"]!.AsObject();

    [Test]
    public void Build_Defaults_DenyAllThenMobysDeviceAllowList()
    {
        var rules = Resources(new JsonObject())["devices"]!.AsArray()
            .Select(r => $"{(r!["allow"]!.GetValue<bool>() ? "allow" : "deny")} {r["type"]?.GetValue<string>() ?? "a"} {r["major"]?.GetValue<long>()}:{r["minor"]?.GetValue<long>()} {r["access"]!.GetValue<string>()}");

        Assert.That(rules, Is.EqualTo(new[]
        {
            "deny a : rwm", "allow c 1:5 rwm", "allow c 1:3 rwm", "allow c 1:9 rwm", "allow c 1:8 rwm", "allow c 5:0 rwm", "allow c 5:1 rwm", "deny c 10:229 rwm",
        }));
    }

    [Test]
    public void Build_NoLimits_OnlyDeviceRules()
    {
        Assert.That(Resources(new JsonObject()).Select(p => p.Key), Is.EqualTo(new[] { "devices" }));
    }

    [Test]
    public void Build_MemoryWithoutSwap_SwapIsTwiceTheMemoryOnV1()
    {
        var memory = Resources(new JsonObject { ["Memory"] = 67108864 })["memory"]!;

        Assert.That(memory["limit"]!.GetValue<long>(), Is.EqualTo(67108864));
        Assert.That(memory["swap"]!.GetValue<long>(), Is.EqualTo(134217728));
    }

    [Test]
    public void Build_MemoryOnHostWithoutSwapAccounting_HasNoSwap()
    {
        var memory = Resources(new JsonObject { ["Memory"] = 67108864, ["MemorySwap"] = 134217728 }, UnifiedHost())["memory"]!;

        Assert.That(memory["limit"]!.GetValue<long>(), Is.EqualTo(67108864));
        Assert.That(memory["swap"], Is.Null);
    }

    [Test]
    public void Build_MemorySwapUnlimited_HasNoSwap()
    {
        Assert.That(Resources(new JsonObject { ["Memory"] = 67108864, ["MemorySwap"] = -1 })["memory"]!["swap"], Is.Null);
    }

    [Test]
    public void Build_MemoryReservationSwappinessOomKillDisable_SetOnV1()
    {
        var memory = Resources(new JsonObject
        {
            ["Memory"] = 67108864, ["MemoryReservation"] = 33554432, ["MemorySwappiness"] = 10, ["OomKillDisable"] = true,
        })["memory"]!;

        Assert.That(memory["reservation"]!.GetValue<long>(), Is.EqualTo(33554432));
        Assert.That(memory["swappiness"]!.GetValue<ulong>(), Is.EqualTo(10));
        Assert.That(memory["disableOOMKiller"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Build_SwappinessAndOomKillDisableOnV2_Dropped()
    {
        var resources = Resources(new JsonObject { ["MemorySwappiness"] = 10, ["OomKillDisable"] = true }, UnifiedHost());

        Assert.That(resources["memory"], Is.Null);
    }

    [Test]
    public void Build_SwappinessMinusOne_MeansUnset()
    {
        Assert.That(Resources(new JsonObject { ["MemorySwappiness"] = -1 })["memory"], Is.Null);
    }

    [Test]
    public void Build_NanoCpus_Period100msAndProportionalQuota()
    {
        var cpu = Resources(new JsonObject { ["NanoCpus"] = 1_500_000_000 })["cpu"]!;

        Assert.That(cpu["period"]!.GetValue<ulong>(), Is.EqualTo(100000));
        Assert.That(cpu["quota"]!.GetValue<long>(), Is.EqualTo(150000));
    }

    [Test]
    public void Build_CpuSharesPeriodQuotaCpuset_CopiedAsGiven()
    {
        var cpu = Resources(new JsonObject
        {
            ["CpuShares"] = 512, ["CpuPeriod"] = 50000, ["CpuQuota"] = 25000, ["CpusetCpus"] = "0", ["CpusetMems"] = "0",
        })["cpu"]!;

        Assert.That(cpu["shares"]!.GetValue<ulong>(), Is.EqualTo(512));
        Assert.That(cpu["period"]!.GetValue<ulong>(), Is.EqualTo(50000));
        Assert.That(cpu["quota"]!.GetValue<long>(), Is.EqualTo(25000));
        Assert.That(cpu["cpus"]!.GetValue<string>(), Is.EqualTo("0"));
        Assert.That(cpu["mems"]!.GetValue<string>(), Is.EqualTo("0"));
    }

    [Test]
    public void Build_NegativeCpuShares_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => Resources(new JsonObject { ["CpuShares"] = -5 }))!;

        Assert.That(ex.Message, Is.EqualTo("invalid CPU shares (-5): value must be a positive integer"));
    }

    [TestCase(100, true)]
    [TestCase(0, false)]
    [TestCase(-1, false)]
    public void Build_PidsLimit_OnlyPositiveLimits(long limit, bool present)
    {
        var pids = Resources(new JsonObject { ["PidsLimit"] = limit })["pids"];

        Assert.That(pids is not null, Is.EqualTo(present));
        if (present) Assert.That(pids!["limit"]!.GetValue<long>(), Is.EqualTo(limit));
    }

    [Test]
    public void Build_BlkioWeight_SetsBlockIoWeight()
    {
        Assert.That(Resources(new JsonObject { ["BlkioWeight"] = 300 })["blockIO"]!["weight"]!.GetValue<long>(), Is.EqualTo(300));
    }

    [Test]
    public void Build_BlkioThrottleDevice_StatsThePath()
    {
        var resources = Resources(new JsonObject { ["BlkioDeviceReadBps"] = new JsonArray(new JsonObject { ["Path"] = "/dev/null", ["Rate"] = 1024 }) });

        var device = resources["blockIO"]!["throttleReadBpsDevice"]![0]!;
        Assert.That((device["major"]!.GetValue<long>(), device["minor"]!.GetValue<long>(), device["rate"]!.GetValue<long>()), Is.EqualTo((1L, 3L, 1024L)));
    }

    [Test]
    public void Build_CgroupsPath_TakenFromTheInputs()
    {
        Assert.That(Build()["linux"]!["cgroupsPath"]!.GetValue<string>(), Is.EqualTo("/berth/0123456789ab"));
    }

    [Test]
    public void Build_NoCgroupsPathInInputs_JoinsCgroupParentAndId()
    {
        var inputs = Inputs(hostConfig: new JsonObject { ["CgroupParent"] = "/custom/" }) with { CgroupsPath = "" };

        Assert.That(OciSpecBuilder.Build(inputs, HybridHost()).Spec["linux"]!["cgroupsPath"]!.GetValue<string>(), Is.EqualTo("/custom/0123456789ab"));
    }

    [Test]
    public void Build_HostDevice_AddsTheNodeAndAnAllowRule()
    {
        var spec = Build(hostConfig: new JsonObject
        {
            ["Devices"] = new JsonArray(new JsonObject { ["PathOnHost"] = "/dev/null", ["PathInContainer"] = "/dev/mynull", ["CgroupPermissions"] = "rw" }),
        });

        var device = spec["linux"]!["devices"]![0]!;
        Assert.That(device["path"]!.GetValue<string>(), Is.EqualTo("/dev/mynull"));
        Assert.That(device["type"]!.GetValue<string>(), Is.EqualTo("c"));
        Assert.That((device["major"]!.GetValue<long>(), device["minor"]!.GetValue<long>()), Is.EqualTo((1L, 3L)));
        Assert.That(device["fileMode"]!.GetValue<int>(), Is.EqualTo(438));
        var rule = spec["linux"]!["resources"]!["devices"]!.AsArray().Last()!;
        Assert.That(rule.ToJsonString(), Is.EqualTo("""{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}"""));
    }

    [Test]
    public void Build_MissingHostDevice_ThrowsDockersMessage()
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject
        {
            ["Devices"] = new JsonArray(new JsonObject { ["PathOnHost"] = "/dev/berth-nope", ["PathInContainer"] = "/dev/x", ["CgroupPermissions"] = "rwm" }),
        }))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("error gathering device information while adding custom device \"/dev/berth-nope\": no such file or directory"));
    }

    [Test]
    public void Build_DeviceCgroupRules_AppendedAfterTheDefaults()
    {
        var rules = Resources(new JsonObject { ["DeviceCgroupRules"] = Json("c 42:* rmw", "b *:* m") })["devices"]!.AsArray();

        Assert.That(rules[^2]!.ToJsonString(), Is.EqualTo("""{"allow":true,"type":"c","major":42,"minor":-1,"access":"rmw"}"""));
        Assert.That(rules[^1]!.ToJsonString(), Is.EqualTo("""{"allow":true,"type":"b","major":-1,"minor":-1,"access":"m"}"""));
    }

    [Test]
    public void Build_BadDeviceCgroupRule_ThrowsMobysMessage()
    {
        var ex = Assert.Throws<BerthException>(() => Resources(new JsonObject { ["DeviceCgroupRules"] = Json("x 1:2 rwm") }))!;

        Assert.That(ex.Message, Is.EqualTo("invalid device cgroup rule format: 'x 1:2 rwm'"));
    }

    [Test]
    public void Build_Privileged_AllowsEveryDeviceAndListsHostDevices()
    {
        var spec = Build(hostConfig: new JsonObject { ["Privileged"] = true });

        Assert.That(spec["linux"]!["resources"]!["devices"]!.ToJsonString(), Is.EqualTo("""[{"allow":true,"access":"rwm"}]"""));
        Assert.That(spec["linux"]!["devices"]!.AsArray().Select(d => d!["path"]!.GetValue<string>()), Does.Contain("/dev/null"));
    }
}
