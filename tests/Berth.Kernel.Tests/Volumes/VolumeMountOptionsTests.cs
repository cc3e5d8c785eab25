using Berth.Kernel.Volumes;

namespace Berth.Kernel.Tests.Volumes;

public class VolumeMountOptionsTests
{
    [Test]
    public void Parse_FlagsAndData_SplitAsMobySysMount()
    {
        var parsed = VolumeMountOptions.Parse("ro,nosuid,nodev,noexec,size=100m,uid=1000");

        Assert.That(parsed.Flags, Is.EqualTo(VolumeMountOptions.ReadOnly | VolumeMountOptions.NoSuid | VolumeMountOptions.NoDev | VolumeMountOptions.NoExec));
        Assert.That(parsed.Data, Is.EqualTo("size=100m,uid=1000"));
    }

    [Test]
    public void Parse_ClearingWordsAndRecursiveBind_AppliedInOrder()
    {
        var parsed = VolumeMountOptions.Parse("ro,rw,rbind,rprivate");

        Assert.That(parsed.Flags, Is.EqualTo(VolumeMountOptions.Bind | VolumeMountOptions.Recursive | VolumeMountOptions.Private));
        Assert.That(parsed.Data, Is.Empty);
    }

    [Test]
    public void Parse_DefaultsAndEmpty_PassedAsDataLikeMoby()
    {
        Assert.That(VolumeMountOptions.Parse("defaults").Data, Is.EqualTo("defaults"));
        Assert.That(VolumeMountOptions.Parse(""), Is.EqualTo(new VolumeMountOptions(0, "")));
    }

    [TestCase("100m", 100L << 20)]
    [TestCase("1.5GiB", 3L << 29)]
    [TestCase("512", 512L)]
    [TestCase("0", 0L)]
    public void ParseSize_GoUnitsRamInBytes_Binary(string text, long bytes) =>
        Assert.That(LocalDriverOptions.ParseSize(text), Is.EqualTo(bytes));
}
