using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.References;

public class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestCase("busybox", "docker.io", "library/busybox", null, "busybox")]
    [TestCase("busybox:1.36", "docker.io", "library/busybox", "1.36", "busybox:1.36")]
    [TestCase("acc/app", "docker.io", "acc/app", null, "acc/app")]
    [TestCase("docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", "busybox:latest")]
    [TestCase("index.docker.io/busybox", "docker.io", "library/busybox", null, "busybox")]
    [TestCase("docker.io/library/a/b", "docker.io", "library/a/b", null, "library/a/b")]
    [TestCase("127.0.0.1:5000/acc/busybox:1", "127.0.0.1:5000", "acc/busybox", "1", "127.0.0.1:5000/acc/busybox:1")]
    [TestCase("localhost/x", "localhost", "x", null, "localhost/x")]
    [TestCase("localhost:5000/x:Tag_1.0-rc", "localhost:5000", "x", "Tag_1.0-rc", "localhost:5000/x:Tag_1.0-rc")]
    [TestCase("registry.example.com/a__b/c-d.e", "registry.example.com", "a__b/c-d.e", null, "registry.example.com/a__b/c-d.e")]
    [TestCase("[::1]:5000/x", "[::1]:5000", "x", null, "[::1]:5000/x")]
    [TestCase("Foo/bar", "Foo", "bar", null, "Foo/bar")]
    public void Parse_ValidReference_NormalizesLikeDocker(string input, string domain, string path, string? tag, string familiar)
    {
        var reference = ImageReference.Parse(input);

        Assert.Multiple(() =>
        {
            Assert.That(reference.Domain, Is.EqualTo(domain));
            Assert.That(reference.Path, Is.EqualTo(path));
            Assert.That(reference.Tag, Is.EqualTo(tag));
            Assert.That(reference.Digest, Is.Null);
            Assert.That(reference.Repository, Is.EqualTo($"{domain}/{path}"));
            Assert.That(reference.FamiliarString, Is.EqualTo(familiar));
        });
    }

    [Test]
    public void Parse_ByDigest_KeepsTheDigestAndAsksForIt()
    {
        var reference = ImageReference.Parse($"name@sha256:{Hex}");

        Assert.Multiple(() =>
        {
            Assert.That(reference.Repository, Is.EqualTo("docker.io/library/name"));
            Assert.That(reference.Tag, Is.Null);
            Assert.That(reference.Digest, Is.EqualTo($"sha256:{Hex}"));
            Assert.That(reference.FamiliarString, Is.EqualTo($"name@sha256:{Hex}"));
            Assert.That(reference.ManifestReference, Is.EqualTo($"sha256:{Hex}"));
            Assert.That(reference.WithDefaultTag(), Is.SameAs(reference));
        });
    }

    [Test]
    public void Parse_TagAndDigest_KeepsBothAndPrefersTheDigest()
    {
        var reference = ImageReference.Parse($"127.0.0.1:5000/x:1@sha256:{Hex}");

        Assert.Multiple(() =>
        {
            Assert.That(reference.Tag, Is.EqualTo("1"));
            Assert.That(reference.Digest, Is.EqualTo($"sha256:{Hex}"));
            Assert.That(reference.FamiliarString, Is.EqualTo($"127.0.0.1:5000/x:1@sha256:{Hex}"));
            Assert.That(reference.ToString(), Is.EqualTo($"127.0.0.1:5000/x:1@sha256:{Hex}"));
            Assert.That(reference.ManifestReference, Is.EqualTo($"sha256:{Hex}"));
        });
    }

    [Test]
    public void Parse_SixtyFourHex_IsRefusedAsAnId()
    {
        var ex = Assert.Throws<BerthException>(() => ImageReference.Parse(Hex))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Is.EqualTo($"invalid repository name ({Hex}), cannot specify 64-byte hexadecimal strings"));
        });
    }

    [TestCase("Busybox", "library/Busybox")]
    [TestCase("acc/App:1", "acc/App")]
    [TestCase("localhost:5000/Acc/x", "Acc/x")]
    public void Parse_UppercaseRepository_SaysItMustBeLowercase(string input, string remote)
    {
        var ex = Assert.Throws<BerthException>(() => ImageReference.Parse(input))!;

        Assert.That(ex.Message, Is.EqualTo($"invalid reference format: repository name ({remote}) must be lowercase"));
    }

    [TestCase("")]
    [TestCase("busybox:")]
    [TestCase(":latest")]
    [TestCase("-busybox")]
    [TestCase("a//b")]
    [TestCase("busybox:a b")]
    [TestCase("busybox\n")]
    [TestCase(" busybox")]
    [TestCase("busybox@sha256:abc")]
    [TestCase("a.b_c/x")]
    [TestCase("http://registry/x")]
    public void Parse_Malformed_IsInvalidReferenceFormat(string input)
    {
        var ex = Assert.Throws<BerthException>(() => ImageReference.Parse(input))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Does.StartWith("invalid reference format"));
            Assert.That(ImageReference.TryParse(input, out var none), Is.False);
            Assert.That(none, Is.Null);
        });
    }

    [Test]
    public void Parse_TagOf129Characters_IsRefused()
    {
        Assert.Throws<BerthException>(() => ImageReference.Parse("x:" + new string('a', 129)));
        Assert.That(ImageReference.Parse("x:" + new string('a', 128)).Tag, Has.Length.EqualTo(128));
    }

    [Test]
    public void Parse_NameOver255Characters_IsRefused()
    {
        var ex = Assert.Throws<BerthException>(() => ImageReference.Parse("a/" + new string('b', 250)))!;

        Assert.That(ex.Message, Does.Contain("must not be more than 255 characters"));
    }

    [TestCase("x@sha256:0123456789abcdef0123456789abcdef01234567", "invalid checksum digest length")]
    [TestCase("x@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm")]
    [TestCase("x@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "invalid checksum digest format")]
    public void Parse_BadDigest_SaysWhatIsWrong(string input, string message)
    {
        var ex = Assert.Throws<BerthException>(() => ImageReference.Parse(input))!;

        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void TryParse_Valid_ReturnsTheReference()
    {
        Assert.That(ImageReference.TryParse("busybox:1", out var reference), Is.True);
        Assert.That(reference!.Tag, Is.EqualTo("1"));
    }

    [Test]
    public void WithDefaultTag_NameOnly_AddsLatest()
    {
        var reference = ImageReference.Parse("busybox").WithDefaultTag();

        Assert.Multiple(() =>
        {
            Assert.That(reference.Tag, Is.EqualTo("latest"));
            Assert.That(reference.FamiliarString, Is.EqualTo("busybox:latest"));
            Assert.That(reference.ToString(), Is.EqualTo("docker.io/library/busybox:latest"));
        });
    }

    [Test]
    public void WithDefaultTag_Tagged_KeepsTheTag() =>
        Assert.That(ImageReference.Parse("busybox:1").WithDefaultTag().Tag, Is.EqualTo("1"));

    [Test]
    public void WithTagAndWithDigest_KeepTheOtherPart()
    {
        var reference = ImageReference.Parse("x").WithDigest($"sha256:{Hex}").WithTag("v2");

        Assert.Multiple(() =>
        {
            Assert.That(reference.FamiliarString, Is.EqualTo($"x:v2@sha256:{Hex}"));
            Assert.That(reference.NameOnly().FamiliarString, Is.EqualTo("x"));
        });
    }

    [Test]
    public void WithTag_Invalid_Throws()
    {
        var ex = Assert.Throws<BerthException>(() => ImageReference.Parse("x").WithTag("-bad"))!;

        Assert.That(ex.Message, Is.EqualTo("invalid tag format"));
    }

    [Test]
    public void WithDigest_Invalid_Throws() =>
        Assert.Throws<BerthException>(() => ImageReference.Parse("x").WithDigest("sha256:abc"));

    [Test]
    public void Equality_SameNormalizedReference_IsEqual() =>
        Assert.That(ImageReference.Parse("busybox"), Is.EqualTo(ImageReference.Parse("docker.io/library/busybox")));
}
