using Berth.Kernel.Images.Distribution;

namespace Berth.Kernel.Tests.Images.Distribution;

public class PlatformMatcherTests
{
    private static ManifestIndex Index(params (char Digest, string Os, string Arch, string? Variant, string? ReferenceType)[] entries) =>
        ManifestParser.ParseIndex(MediaTypes.OciIndex,
            TestManifests.Index(MediaTypes.OciIndex, entries.Select(e => (TestManifests.Digest(e.Digest), 1L, e.Os, e.Arch, e.Variant, e.ReferenceType)).ToArray()));

    [Test]
    public void Select_LinuxAmd64AmongOthersAndAttestations_PicksIt()
    {
        var index = Index(('d', "unknown", "unknown", null, "attestation-manifest"), ('b', "linux", "arm64", "v8", null), ('a', "linux", "amd64", null, null));

        Assert.That(PlatformMatcher.Select(index, Platform.LinuxAmd64)?.Digest, Is.EqualTo(TestManifests.Digest('a')));
    }

    [Test]
    public void Select_Arm64WithoutVariant_MatchesV8() =>
        Assert.That(PlatformMatcher.Select(Index(('b', "linux", "arm64", "v8", null)), new Platform("arm64", "linux"))?.Digest,
            Is.EqualTo(TestManifests.Digest('b')));

    [Test]
    public void Select_ArmV7_PrefersV7AndFallsBackToV6()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PlatformMatcher.Select(Index(('6', "linux", "arm", "v6", null), ('7', "linux", "arm", "v7", null)), new Platform("arm", "linux", "v7"))?.Digest,
                Is.EqualTo(TestManifests.Digest('7')));
            Assert.That(PlatformMatcher.Select(Index(('6', "linux", "arm", "v6", null)), new Platform("arm", "linux", "v7"))?.Digest,
                Is.EqualTo(TestManifests.Digest('6')));
            Assert.That(PlatformMatcher.Select(Index(('7', "linux", "arm", "v7", null)), new Platform("arm", "linux", "v6")), Is.Null);
        });
    }

    [Test]
    public void Select_NoMatch_IsNull()
    {
        var index = Index(('d', "unknown", "unknown", null, null), ('e', "windows", "amd64", null, null));

        Assert.That(PlatformMatcher.Select(index, Platform.LinuxAmd64), Is.Null);
    }

    [Test]
    public void Platform_ToString_IsDockersSpelling()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Platform.LinuxAmd64.ToString(), Is.EqualTo("linux/amd64"));
            Assert.That(new Platform("arm", "linux", "v7").ToString(), Is.EqualTo("linux/arm/v7"));
        });
    }
}
