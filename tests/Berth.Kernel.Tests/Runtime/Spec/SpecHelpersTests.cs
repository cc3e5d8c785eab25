using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class SpecHelpersTests
{
    [Test]
    public void ReplaceOrAppend_Overrides_ReplaceInPlaceAppendAndRemove()
    {
        var merged = EnvironmentMerge.ReplaceOrAppend(["PATH=/bin", "HOSTNAME=x", "TERM=xterm"], ["TERM=dumb", "A=1", "HOSTNAME", "MISSING"]);

        Assert.That(merged, Is.EqualTo(new[] { "PATH=/bin", "TERM=dumb", "A=1" }));
    }

    [Test]
    public void ReplaceOrAppend_NewKeyTwice_BothAppendedAsMobyDoes()
    {
        Assert.That(EnvironmentMerge.ReplaceOrAppend(["PATH=/bin"], ["A=1", "A=2"]), Is.EqualTo(new[] { "PATH=/bin", "A=1", "A=2" }));
    }

    [Test]
    public void TmpfsMerge_LaterFlagWinsAndDefaultsDropped()
    {
        Assert.That(TmpfsOptions.Merge(["noexec", "defaults", "ro", "size=1m", "exec", "rw", "size=2m"]), Is.EqualTo(new[] { "exec", "rw", "size=2m" }));
    }

    [Test]
    public void TmpfsMerge_UnknownDataKey_ThrowsMobysMessage()
    {
        var ex = Assert.Throws<BerthException>(() => TmpfsOptions.Merge(["bogus=1"]))!;

        Assert.That(ex.Message, Is.EqualTo("invalid tmpfs option [\"bogus\" \"1\"]"));
    }

    [TestCase("0-2,4", new[] { 0, 1, 2, 4 })]
    [TestCase("3", new[] { 3 })]
    [TestCase("", new int[0])]
    public void CpusetListTryParse_ValidLists_Expand(string text, int[] expected)
    {
        Assert.That(CpusetList.TryParse(text, 0, out var set, out _), Is.True);
        Assert.That(set.Order(), Is.EqualTo(expected));
    }

    [TestCase("2-1", "invalid format: 2-1")]
    [TestCase("a", "invalid format: a")]
    [TestCase("9000", "value of out range, maximum is 8192")]
    public void CpusetListTryParse_InvalidLists_ReportMobysError(string text, string error)
    {
        Assert.That(CpusetList.TryParse(text, CpusetList.DefaultMaximum, out _, out var message), Is.False);
        Assert.That(message, Is.EqualTo(error));
    }

    [Test]
    public void RootfsPathResolve_DotDotAndAbsoluteLinks_NeverLeaveTheRootfs()
    {
        var root = Directory.CreateTempSubdirectory("berth-spec-scope-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            File.CreateSymbolicLink(Path.Combine(root, "etc", "escape"), "../../../../etc");

            Assert.That(RootfsPath.Resolve(root, "/../../etc/passwd"), Is.EqualTo(root + "/etc/passwd"));
            Assert.That(RootfsPath.Resolve(root, "/etc/escape/passwd"), Is.EqualTo(root + "/etc/passwd"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestCase("6.18.44-fc-v782", 6, 18)]
    [TestCase("5.10.0-23-amd64", 5, 10)]
    [TestCase("garbage", 0, 0)]
    public void ParseKernelVersion_Releases_MajorMinor(string release, int major, int minor)
    {
        Assert.That(HostSupport.ParseKernelVersion(release), Is.EqualTo(new Version(major, minor)));
    }

    [Test]
    public void Detect_ThisHost_ReportsCpusLimitsAndCapabilities()
    {
        var host = HostSupport.Detect();

        Assert.That(host.CpuCount, Is.GreaterThan(0));
        Assert.That(host.RlimitHardLimits, Does.ContainKey("RLIMIT_NOFILE"));
        Assert.That(host.NofileHardLimit, Is.GreaterThan(0));
        Assert.That(host.KernelVersion.Major, Is.GreaterThan(2));
        if (Environment.UserName == "root") Assert.That(host.Capabilities, Does.Contain("CAP_CHOWN"));
    }
}
