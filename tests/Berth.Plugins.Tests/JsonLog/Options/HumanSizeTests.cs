using Berth.Plugins.JsonLog.Options;
using Berth.Sdk;

namespace Berth.Plugins.Tests.JsonLog.Options;

public class HumanSizeTests
{
    [TestCase("1024", 1024L)]
    [TestCase("10k", 10_000L)]
    [TestCase("10K", 10_000L)]
    [TestCase("10kb", 10_000L)]
    [TestCase("10KiB", 10_000L)]
    [TestCase("1.5m", 1_500_000L)]
    [TestCase("2 GB", 2_000_000_000L)]
    [TestCase("3b", 3L)]
    public void Parse_DockerSizes_UsesDecimalMultiples(string text, long expected)
    {
        Assert.That(HumanSize.Parse(text), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("k")]
    [TestCase("10x")]
    [TestCase("10kbb")]
    [TestCase("10kx")]
    [TestCase("-5")]
    [TestCase("1.2.3")]
    public void Parse_Invalid_ThrowsInvalid(string text)
    {
        var ex = Assert.Throws<BerthException>(() => HumanSize.Parse(text));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }
}
