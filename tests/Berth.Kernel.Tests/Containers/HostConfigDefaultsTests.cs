using System.Text.Json.Nodes;
using Berth.Kernel.Config;
using Berth.Kernel.Containers;
using Berth.Kernel.Runtime.Spec;

namespace Berth.Kernel.Tests.Containers;

public class HostConfigDefaultsTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Test]
    public void Apply_EmptyHostConfig_FillsMobysDefaults()
    {
        var host = new JsonObject();

        HostConfigDefaults.Apply(host, new DaemonConfig());

        var cgroupns = HostSupport.Current.CgroupMode == CgroupMode.Unified ? "private" : "host";
        Assert.Multiple(() =>
        {
            Assert.That(host["NetworkMode"]!.GetValue<string>(), Is.EqualTo("bridge"));
            Assert.That(host["RestartPolicy"]!.ToJsonString(), Is.EqualTo("""{"Name":"no","MaximumRetryCount":0}"""));
            Assert.That(host["LogConfig"]!.ToJsonString(), Is.EqualTo("""{"Type":"json-file","Config":{}}"""));
            Assert.That(host["ShmSize"]!.GetValue<long>(), Is.EqualTo(64L * 1024 * 1024));
            Assert.That(host["Runtime"]!.GetValue<string>(), Is.EqualTo("runc"));
            Assert.That(host["IpcMode"]!.GetValue<string>(), Is.EqualTo("private"));
            Assert.That(host["CgroupnsMode"]!.GetValue<string>(), Is.EqualTo(cgroupns));
        });
    }

    [Test]
    public void Apply_DefaultNetworkMode_BecomesBridge()
    {
        var host = Json("""{"NetworkMode":"default"}""");

        HostConfigDefaults.Apply(host, new DaemonConfig());

        Assert.That(host["NetworkMode"]!.GetValue<string>(), Is.EqualTo("bridge"));
    }

    [Test]
    public void Apply_ValuesGiven_AreKept()
    {
        var host = Json("""
            {"NetworkMode":"host","RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3},"ShmSize":1024,
             "Runtime":"crun","IpcMode":"shareable","CgroupnsMode":"host","LogConfig":{"Type":"local","Config":{"max-size":"1m"}}}
            """);
        var before = host.ToJsonString();

        HostConfigDefaults.Apply(host, new DaemonConfig { LogDriver = "journald", DefaultRuntime = "youki" });

        Assert.That(host.ToJsonString(), Is.EqualTo(before));
    }

    [Test]
    public void Apply_NoLogConfig_TakesTheDaemonsDriverAndOptions()
    {
        var host = new JsonObject();
        var daemon = new DaemonConfig { LogDriver = "local", LogOpts = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3" } };

        HostConfigDefaults.Apply(host, daemon);

        Assert.Multiple(() =>
        {
            Assert.That(HostConfigDefaults.LogDriver(host), Is.EqualTo("local"));
            Assert.That(HostConfigDefaults.LogOptions(host), Is.EqualTo(new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3" }));
        });
    }

    [Test]
    public void Apply_LogConfigTypeWithoutConfig_GetsAnEmptyConfig()
    {
        var host = Json("""{"LogConfig":{"Type":"none"}}""");

        HostConfigDefaults.Apply(host, new DaemonConfig { LogOpts = new Dictionary<string, string> { ["max-size"] = "10m" } });

        Assert.That(host["LogConfig"]!.ToJsonString(), Is.EqualTo("""{"Type":"none","Config":{}}"""));
    }

    [Test]
    public void Apply_RestartPolicyWithEmptyName_BecomesNo()
    {
        var host = Json("""{"RestartPolicy":{"Name":"","MaximumRetryCount":0}}""");

        HostConfigDefaults.Apply(host, new DaemonConfig());

        Assert.That(HostConfigDefaults.RestartPolicyName(host), Is.EqualTo("no"));
    }

    [Test]
    public void Apply_ZeroShmSize_IsTheDefault64Mebibytes()
    {
        var host = Json("""{"ShmSize":0}""");

        HostConfigDefaults.Apply(host, new DaemonConfig());

        Assert.That(host["ShmSize"]!.GetValue<long>(), Is.EqualTo(HostConfigDefaults.DefaultShmSize));
    }

    [Test]
    public void Readers_MissingFields_GiveDockersDefaults()
    {
        var host = new JsonObject();

        Assert.Multiple(() =>
        {
            Assert.That(HostConfigDefaults.RestartPolicyName(host), Is.EqualTo("no"));
            Assert.That(HostConfigDefaults.RestartMaxRetries(host), Is.Zero);
            Assert.That(HostConfigDefaults.AutoRemove(host), Is.False);
            Assert.That(HostConfigDefaults.LogDriver(host), Is.EqualTo("json-file"));
            Assert.That(HostConfigDefaults.LogOptions(host), Is.Empty);
        });
    }

    [Test]
    public void Readers_FieldsPresent_AreRead()
    {
        var host = Json("""{"RestartPolicy":{"Name":"always","MaximumRetryCount":4},"AutoRemove":true,"LogConfig":{"Type":"syslog","Config":{"tag":"web"}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(HostConfigDefaults.RestartPolicyName(host), Is.EqualTo("always"));
            Assert.That(HostConfigDefaults.RestartMaxRetries(host), Is.EqualTo(4));
            Assert.That(HostConfigDefaults.AutoRemove(host), Is.True);
            Assert.That(HostConfigDefaults.LogDriver(host), Is.EqualTo("syslog"));
            Assert.That(HostConfigDefaults.LogOptions(host), Is.EqualTo(new Dictionary<string, string> { ["tag"] = "web" }));
        });
    }
}
