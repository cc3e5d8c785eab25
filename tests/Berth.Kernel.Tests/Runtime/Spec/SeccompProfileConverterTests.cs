using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class SeccompProfileConverterTests
{
    private static readonly Version Kernel = new(6, 1);

    private static List<string> Names(JsonObject? profile) =>
        profile?["syscalls"]?.AsArray().SelectMany(s => s!["names"]!.AsArray().Select(n => n!.GetValue<string>())).ToList() ?? [];

    [Test]
    public void DefaultProfile_Arm64_PicksItsArchitecturesAndArmOnlySyscalls()
    {
        var profile = SeccompProfileConverter.DefaultProfile(CapabilityRules.Default, Kernel, "arm64");

        Assert.That(profile["architectures"]!.AsArray().Select(a => a!.GetValue<string>()), Is.EqualTo(new[] { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" }));
        Assert.That(Names(profile), Does.Contain("arm_fadvise64_64").And.Not.Contain("arch_prctl"));
    }

    [Test]
    public void DefaultProfile_Amd64_IncludesArchPrctl()
    {
        Assert.That(Names(SeccompProfileConverter.DefaultProfile(CapabilityRules.Default, Kernel, "amd64")), Does.Contain("arch_prctl").And.Not.Contain("arm_fadvise64_64"));
    }

    [Test]
    public void DefaultProfile_KernelOlderThanMinKernel_LeavesOutThatGroup()
    {
        Assert.That(Names(SeccompProfileConverter.DefaultProfile(CapabilityRules.Default, new Version(4, 7), "amd64")), Does.Not.Contain("ptrace"));
        Assert.That(Names(SeccompProfileConverter.DefaultProfile(CapabilityRules.Default, new Version(4, 8), "amd64")), Does.Contain("ptrace"));
    }

    [Test]
    public void DefaultProfile_CapabilityGatedGroups_FollowTheBoundingSet()
    {
        var without = Names(SeccompProfileConverter.DefaultProfile(CapabilityRules.Default, Kernel, "amd64"));
        var with = Names(SeccompProfileConverter.DefaultProfile([.. CapabilityRules.Default, "CAP_SYS_PTRACE", "CAP_SYS_TIME"], Kernel, "amd64"));

        Assert.That(without, Does.Not.Contain("kcmp").And.Not.Contain("settimeofday"));
        Assert.That(with, Does.Contain("kcmp").And.Contain("settimeofday"));
    }

    [Test]
    public void Convert_NoDefaultActionAndNoSyscalls_DisablesSeccomp()
    {
        Assert.That(SeccompProfileConverter.Convert("{}", [], Kernel), Is.Null);
    }

    [Test]
    public void Convert_ArchitecturesList_KeptAsGiven()
    {
        var profile = SeccompProfileConverter.Convert("""{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"flags":["SECCOMP_FILTER_FLAG_LOG"]}""", [], Kernel)!;

        Assert.That(profile.ToJsonString(), Is.EqualTo("""{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"flags":["SECCOMP_FILTER_FLAG_LOG"]}"""));
    }

    [Test]
    public void Convert_ArgsWithValueTwo_KeepsNonZeroValueTwoOnly()
    {
        var profile = SeccompProfileConverter.Convert(
            """{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"valueTwo":0,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"}]}]}""",
            [], Kernel)!;

        Assert.That(profile["syscalls"]![0]!["args"]!.ToJsonString(),
            Is.EqualTo("""[{"index":0,"value":8,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"}]"""));
    }

    [TestCase("""{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}""",
        "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'")]
    [TestCase("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]}""",
        "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'")]
    public void Convert_ContradictoryProfile_ThrowsMobysMessage(string json, string message)
    {
        var ex = Assert.Throws<BerthException>(() => SeccompProfileConverter.Convert(json, [], Kernel))!;

        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void Convert_NotJson_ThrowsDecodingFailed()
    {
        var ex = Assert.Throws<BerthException>(() => SeccompProfileConverter.Convert("/etc/seccomp.json", [], Kernel))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.StartWith("Decoding seccomp profile failed: "));
    }
}
