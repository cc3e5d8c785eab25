using System.Text;
using Berth.Kernel.Images.Distribution;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.Distribution;

public class ManifestParserTests
{
    [TestCase(MediaTypes.OciManifest, MediaTypes.OciConfig)]
    [TestCase(MediaTypes.DockerManifest, MediaTypes.DockerConfig)]
    [TestCase(MediaTypes.OciManifest, MediaTypes.PluginConfig)]
    public void ParseManifest_Schema2OrOci_ReadsConfigAndLayers(string mediaType, string configType)
    {
        var manifest = ManifestParser.ParseManifest(mediaType, TestManifests.Manifest(mediaType, configType));

        Assert.Multiple(() =>
        {
            Assert.That(manifest.MediaType, Is.EqualTo(mediaType));
            Assert.That(manifest.Config, Is.EqualTo(new Descriptor(configType, TestManifests.Digest('c'), 7)));
            Assert.That(manifest.Layers.Select(l => (l.MediaType, l.Digest, l.Size)), Is.EqualTo(new[]
            {
                (MediaTypes.OciLayerGzip, TestManifests.Digest('1'), 100L),
                (MediaTypes.DockerForeignLayer, TestManifests.Digest('2'), 200L),
            }));
            Assert.That(manifest.Layers[1].Urls, Is.EqualTo(new[] { "https://example.com/layer" }));
            Assert.That(manifest.Layers[1].Annotations, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "b" }));
        });
    }

    [Test]
    public void ParseManifest_OciWithoutOwnMediaType_IsAccepted() =>
        Assert.That(ManifestParser.ParseManifest(MediaTypes.OciManifest, TestManifests.Manifest(withMediaType: false)).Layers, Has.Count.EqualTo(2));

    [TestCase(MediaTypes.DockerManifestSchema1)]
    [TestCase(MediaTypes.DockerManifestSchema1Signed)]
    [TestCase("application/vnd.oci.artifact.manifest.v1+json")]
    [TestCase(MediaTypes.OciIndex)]
    public void ParseManifest_UnsupportedMediaType_IsRefusedNamingIt(string mediaType)
    {
        var ex = Assert.Throws<BerthException>(() => ManifestParser.ParseManifest(mediaType, TestManifests.Manifest()))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Does.Contain($"\"{mediaType}\""));
        });
    }

    [TestCase("{\"schemaVersion\":2,\"layers\":[]}", "missing \"config\"")]
    [TestCase("{\"schemaVersion\":1}", "schemaVersion must be 2")]
    [TestCase("[1]", "not a JSON object")]
    [TestCase("{not json", "invalid manifest")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}", "invalid checksum digest")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":\"1\"},\"layers\":[]}", "invalid manifest")]
    public void ParseManifest_Malformed_IsInvalid(string json, string expected)
    {
        var ex = Assert.Throws<BerthException>(() => ManifestParser.ParseManifest(MediaTypes.OciManifest, Encoding.UTF8.GetBytes(json)))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Does.Contain(expected));
        });
    }

    [Test]
    public void ParseManifest_OwnMediaTypeDiffers_IsInvalid()
    {
        var ex = Assert.Throws<BerthException>(() => ManifestParser.ParseManifest(MediaTypes.DockerManifest, TestManifests.Manifest(MediaTypes.OciManifest)))!;

        Assert.That(ex.Message, Does.Contain("mediaType in manifest should be"));
    }

    [Test]
    public void ParseIndex_ReadsPlatformsAndAnnotations()
    {
        var bytes = TestManifests.Index(MediaTypes.OciIndex,
            (TestManifests.Digest('a'), 10, "linux", "amd64", null, null),
            (TestManifests.Digest('b'), 20, "linux", "arm", "v7", null),
            (TestManifests.Digest('d'), 30, "unknown", "unknown", null, "attestation-manifest"));

        var index = ManifestParser.ParseIndex(MediaTypes.OciIndex, bytes);

        Assert.Multiple(() =>
        {
            Assert.That(index.Manifests.Select(m => m.Platform), Is.EqualTo(new[]
            {
                new Platform("amd64", "linux"), new Platform("arm", "linux", "v7"), new Platform("unknown", "unknown"),
            }));
            Assert.That(index.Manifests[2].Annotations!["vnd.docker.reference.type"], Is.EqualTo("attestation-manifest"));
        });
    }

    [TestCase("application/vnd.oci.image.manifest.v1+json; charset=utf-8", "{}", MediaTypes.OciManifest)]
    [TestCase("application/json", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DockerManifestList + "\",\"manifests\":[]}", MediaTypes.DockerManifestList)]
    [TestCase("", "{\"schemaVersion\":2,\"manifests\":[]}", MediaTypes.OciIndex)]
    [TestCase(null, "{\"schemaVersion\":2,\"config\":{}}", MediaTypes.OciManifest)]
    [TestCase("text/plain", "{\"schemaVersion\":1,\"fsLayers\":[]}", MediaTypes.DockerManifestSchema1)]
    [TestCase("application/json", "{\"schemaVersion\":1,\"signatures\":[]}", MediaTypes.DockerManifestSchema1Signed)]
    [TestCase("application/json", "not json", "application/json")]
    public void DetectMediaType_UsesSpecificContentTypeElseTheDocument(string? contentType, string body, string expected) =>
        Assert.That(ManifestParser.DetectMediaType(contentType, Encoding.UTF8.GetBytes(body)), Is.EqualTo(expected));
}
