using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class OciSpecBuilderSecurityTests
{
    private static List<string> AllowedSyscalls(JsonObject spec) =>
        spec["linux"]!["seccomp"]!["syscalls"]!.AsArray()
            .Where(s => s!["action"]!.GetValue<string>() == "SCMP_ACT_ALLOW" && s["args"] is null)
            .SelectMany(s => Strings(s!["names"]))
            .ToList();

    [Test]
    public void Build_Defaults_MobysMaskedAndReadonlyPaths()
    {
        var linux = Build()["linux"]!;

        Assert.That(Strings(linux["maskedPaths"]), Is.EqualTo(new[]
        {
            "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
        }));
        Assert.That(Strings(linux["readonlyPaths"]), Is.EqualTo(new[] { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" }));
    }

    [Test]
    public void Build_HostThermalThrottlePaths_AreMaskedToo()
    {
        var host = HybridHost() with { ExtraMaskedPaths = ["/sys/devices/system/cpu/cpu0/thermal_throttle"] };

        Assert.That(Strings(Build(host: host)["linux"]!["maskedPaths"]), Does.Contain("/sys/devices/system/cpu/cpu0/thermal_throttle"));
    }

    [Test]
    public void Build_MaskedAndReadonlyPathsGiven_ReplaceTheDefaults()
    {
        var linux = Build(hostConfig: new JsonObject { ["MaskedPaths"] = Json("/proc/secret"), ["ReadonlyPaths"] = new JsonArray() })["linux"]!;

        Assert.That(Strings(linux["maskedPaths"]), Is.EqualTo(new[] { "/proc/secret" }));
        Assert.That(linux["readonlyPaths"], Is.Null);
    }

    [Test]
    public void Build_Privileged_NoMaskedPathsNoSeccompAndEveryCapability()
    {
        var spec = Build(hostConfig: new JsonObject { ["Privileged"] = true });

        Assert.That(spec["linux"]!["maskedPaths"], Is.Null);
        Assert.That(spec["linux"]!["readonlyPaths"], Is.Null);
        Assert.That(spec["linux"]!["seccomp"], Is.Null);
        Assert.That(Strings(spec["process"]!["capabilities"]!["bounding"]), Is.EqualTo(HybridHost().Capabilities));
    }

    [Test]
    public void Build_Default_AppliesDockersDefaultSeccompProfile()
    {
        var spec = Build();
        var seccomp = spec["linux"]!["seccomp"]!;

        Assert.That(seccomp["defaultAction"]!.GetValue<string>(), Is.EqualTo("SCMP_ACT_ERRNO"));
        Assert.That(seccomp["defaultErrnoRet"]!.GetValue<int>(), Is.EqualTo(1));
        if (SeccompProfileConverter.NativeArchitecture == "amd64")
            Assert.That(Strings(seccomp["architectures"]), Is.EqualTo(new[] { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" }));
        var allowed = AllowedSyscalls(spec);
        Assert.That(allowed, Does.Contain("read").And.Contain("execve").And.Contain("ptrace"));
        Assert.That(allowed, Does.Not.Contain("mount").And.Not.Contain("reboot").And.Not.Contain("bpf"));
    }

    [Test]
    public void Build_CapAddSysAdmin_SeccompAllowsItsSyscalls()
    {
        var spec = Build(hostConfig: new JsonObject { ["CapAdd"] = Json("SYS_ADMIN") });

        Assert.That(AllowedSyscalls(spec), Does.Contain("mount").And.Contain("setns").And.Contain("clone").And.Contain("clone3"));
    }

    [Test]
    public void Build_WithoutSysAdmin_Clone3FailsWithEnosysAndCloneIsArgFiltered()
    {
        var syscalls = Build()["linux"]!["seccomp"]!["syscalls"]!.AsArray();

        var clone3 = syscalls.Single(s => Strings(s!["names"]).Contains("clone3"))!;
        Assert.That(clone3["action"]!.GetValue<string>(), Is.EqualTo("SCMP_ACT_ERRNO"));
        Assert.That(clone3["errnoRet"]!.GetValue<int>(), Is.EqualTo(38));
        Assert.That(syscalls.Single(s => Strings(s!["names"]).Contains("clone"))!["args"], Is.Not.Null);
    }

    [Test]
    public void Build_SeccompUnconfined_HasNoSeccomp()
    {
        Assert.That(Build(hostConfig: new JsonObject { ["SecurityOpt"] = Json("seccomp=unconfined") })["linux"]!["seccomp"], Is.Null);
    }

    [Test]
    public void Build_HostWithoutSeccomp_WarnsAndRunsWithoutProfile()
    {
        var result = OciSpecBuilder.Build(Inputs(), HybridHost() with { Seccomp = false });

        Assert.That(result.Spec["linux"]!["seccomp"], Is.Null);
        Assert.That(result.Warnings, Does.Contain("seccomp is not enabled in your kernel, running container without default profile"));
    }

    [Test]
    public void Build_CustomProfileWithoutSeccompSupport_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => Build(
            hostConfig: new JsonObject { ["SecurityOpt"] = Json("""seccomp={"defaultAction":"SCMP_ACT_ALLOW"}""") },
            host: HybridHost() with { Seccomp = false }))!;

        Assert.That(ex.Message, Is.EqualTo("seccomp is not enabled in your kernel, cannot run a custom seccomp profile"));
    }

    [Test]
    public void Build_CustomProfile_ConvertedToOci()
    {
        var profile = """{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"chmod","action":"SCMP_ACT_ERRNO","errnoRet":13}]}""";

        var seccomp = Build(hostConfig: new JsonObject { ["SecurityOpt"] = Json("seccomp=" + profile) })["linux"]!["seccomp"]!;

        Assert.That(seccomp.ToJsonString(), Is.EqualTo("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}"""));
    }

    [Test]
    public void Build_PrivilegedWithCustomProfile_StillAppliesIt()
    {
        var spec = Build(hostConfig: new JsonObject
        {
            ["Privileged"] = true, ["SecurityOpt"] = Json("""seccomp={"defaultAction":"SCMP_ACT_LOG"}"""),
        });

        Assert.That(spec["linux"]!["seccomp"]!["defaultAction"]!.GetValue<string>(), Is.EqualTo("SCMP_ACT_LOG"));
    }
}
