using Berth.Kernel.Plugins;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Plugins;

public class PluginNamesTests
{
    [TestCase("json-log", "json-log:latest")]
    [TestCase("json-log:1.0.0", "json-log:1.0.0")]
    [TestCase("  overlay  ", "overlay:latest")]
    [TestCase("docker.io/library/bridge-net", "bridge-net:latest")]
    [TestCase("docker.io/vieux/sshfs", "vieux/sshfs:latest")]
    [TestCase("localhost:5000/berth/json-log", "localhost:5000/berth/json-log:latest")]
    [TestCase("localhost:5000/berth/json-log:2.1", "localhost:5000/berth/json-log:2.1")]
    [TestCase("registry.example.com/a_b/c.d:Tag_1", "registry.example.com/a_b/c.d:Tag_1")]
    public void Normalize_ValidReference_AddsLatestWhenUntagged(string name, string expected)
    {
        Assert.That(PluginNames.Normalize(name), Is.EqualTo(expected));
    }

    [TestCase("Json-Log")]
    [TestCase("JSON")]
    [TestCase("")]
    [TestCase("json-log:")]
    [TestCase("-json")]
    [TestCase("json log")]
    [TestCase("json-log:tag with space")]
    public void Normalize_InvalidReference_ThrowsInvalidParameterNamingIt(string name)
    {
        var ex = Assert.Throws<BerthException>(() => PluginNames.Normalize(name))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain($"\"{name}\"").And.Contain("invalid reference format"));
    }

    [TestCase("json-log:latest", "json-log")]
    [TestCase("json-log", "json-log")]
    [TestCase("localhost:5000/json-log:1", "localhost:5000/json-log")]
    [TestCase("localhost:5000/json-log", "localhost:5000/json-log")]
    public void Repository_NormalizedName_DropsOnlyTheTag(string name, string expected)
    {
        Assert.That(PluginNames.Repository(name), Is.EqualTo(expected));
    }
}
