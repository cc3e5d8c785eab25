using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Containers;

namespace Berth.Kernel.Tests.Containers;

public class ContainerConfigMergeTests
{
    private static JsonElement Image(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonObject Config(string json = "{}") => JsonNode.Parse(json)!.AsObject();

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    [Test]
    public void Apply_NoImageConfig_LeavesTheConfigAlone()
    {
        var config = Config("""{"Cmd":["sh"]}""");

        ContainerConfigMerge.Apply(config, null);

        Assert.That(config.ToJsonString(), Is.EqualTo("""{"Cmd":["sh"]}"""));
    }

    [Test]
    public void Apply_NoCmdNoEntrypoint_TakesBothFromTheImage()
    {
        var config = Config();

        ContainerConfigMerge.Apply(config, Image("""{"Entrypoint":["/entry.sh"],"Cmd":["serve","--port","80"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(Strings(config["Entrypoint"]), Is.EqualTo(new[] { "/entry.sh" }));
            Assert.That(Strings(config["Cmd"]), Is.EqualTo(new[] { "serve", "--port", "80" }));
        });
    }

    [Test]
    public void Apply_CmdGiven_KeepsItAndStillTakesTheImageEntrypoint()
    {
        var config = Config("""{"Cmd":["version"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Entrypoint":["/entry.sh"],"Cmd":["serve"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(Strings(config["Entrypoint"]), Is.EqualTo(new[] { "/entry.sh" }));
            Assert.That(Strings(config["Cmd"]), Is.EqualTo(new[] { "version" }));
        });
    }

    [Test]
    public void Apply_EmptyCmdArray_IsReplacedByTheImageCmd()
    {
        var config = Config("""{"Cmd":[]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Cmd":["sh"]}"""));

        Assert.That(Strings(config["Cmd"]), Is.EqualTo(new[] { "sh" }));
    }

    [Test]
    public void Apply_EntrypointGiven_DropsTheImageCmdAndEntrypoint()
    {
        var config = Config("""{"Entrypoint":["/bin/echo"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Entrypoint":["/entry.sh"],"Cmd":["serve"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(Strings(config["Entrypoint"]), Is.EqualTo(new[] { "/bin/echo" }));
            Assert.That(config["Cmd"], Is.Null);
        });
    }

    [Test]
    public void Apply_EntrypointAsString_BecomesAOneElementArray()
    {
        var config = Config("""{"Entrypoint":"/bin/date","Cmd":["-u"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Entrypoint":["/entry.sh"],"Cmd":["serve"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(Strings(config["Entrypoint"]), Is.EqualTo(new[] { "/bin/date" }));
            Assert.That(Strings(config["Cmd"]), Is.EqualTo(new[] { "-u" }));
        });
    }

    /// <summary>docker run --entrypoint "" sends [""]; Moby's mergeAndVerifyConfig resets it to no entrypoint.</summary>
    [Test]
    public void Apply_EntrypointOfOneEmptyString_ResetsTheEntrypointAsMobyDoes()
    {
        var config = Config("""{"Entrypoint":[""],"Cmd":["echo","hi"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Entrypoint":["/entry.sh"],"Cmd":["serve"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(config["Entrypoint"], Is.Null);
            Assert.That(Strings(config["Cmd"]), Is.EqualTo(new[] { "echo", "hi" }));
        });
    }

    [Test]
    public void Apply_EntrypointOfOneEmptyStringWithoutCmd_TakesNothingFromTheImage()
    {
        var config = Config("""{"Entrypoint":[""]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Entrypoint":["/entry.sh"],"Cmd":["serve"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(config["Entrypoint"], Is.Null);
            Assert.That(config["Cmd"], Is.Null);
        });
    }

    [Test]
    public void Apply_ImageEnvWithoutOverrides_IsTaken()
    {
        var config = Config();

        ContainerConfigMerge.Apply(config, Image("""{"Env":["PATH=/usr/bin:/bin","LANG=C.UTF-8"]}"""));

        Assert.That(Strings(config["Env"]), Is.EqualTo(new[] { "PATH=/usr/bin:/bin", "LANG=C.UTF-8" }));
    }

    [Test]
    public void Apply_RequestEnvNamingAnImageVariable_OverridesItByName()
    {
        var config = Config("""{"Env":["LANG=en_GB.UTF-8","A=1"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Env":["PATH=/bin","LANG=C.UTF-8"]}"""));

        var env = Strings(config["Env"]);
        Assert.Multiple(() =>
        {
            Assert.That(env, Is.EquivalentTo(new[] { "PATH=/bin", "LANG=en_GB.UTF-8", "A=1" }));
            Assert.That(env, Has.None.EqualTo("LANG=C.UTF-8"));
        });
    }

    [Test]
    public void Apply_RequestEnvVariableWithoutValue_StillOverridesTheImageOne()
    {
        var config = Config("""{"Env":["LANG"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Env":["LANG=C.UTF-8"]}"""));

        Assert.That(Strings(config["Env"]), Is.EqualTo(new[] { "LANG" }));
    }

    /// <summary>Moby's merge appends the image's variables after the request's, so inspect lists the request's first.</summary>
    [Test]
    public void Apply_RequestAndImageEnv_ListsTheRequestsVariablesFirstAsMobyDoes()
    {
        var config = Config("""{"Env":["A=1"]}""");

        ContainerConfigMerge.Apply(config, Image("""{"Env":["PATH=/usr/bin:/bin"]}"""));

        Assert.That(Strings(config["Env"]), Is.EqualTo(new[] { "A=1", "PATH=/usr/bin:/bin" }));
    }

    [Test]
    public void Apply_ExposedPortsVolumesAndLabels_AreUnionsWithTheRequestWinning()
    {
        var config = Config("""{"ExposedPorts":{"8080/tcp":{}},"Volumes":{"/cache":{}},"Labels":{"tier":"web","owner":"me"}}""");

        ContainerConfigMerge.Apply(config, Image("""{"ExposedPorts":{"80/tcp":{}},"Volumes":{"/data":{}},"Labels":{"owner":"image","version":"1.2"}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(config["ExposedPorts"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "80/tcp", "8080/tcp" }));
            Assert.That(config["Volumes"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "/data", "/cache" }));
            Assert.That(config["Labels"]!["owner"]!.GetValue<string>(), Is.EqualTo("me"));
            Assert.That(config["Labels"]!["version"]!.GetValue<string>(), Is.EqualTo("1.2"));
            Assert.That(config["Labels"]!["tier"]!.GetValue<string>(), Is.EqualTo("web"));
        });
    }

    [Test]
    public void Apply_ImageWithoutPorts_KeepsTheRequestsPorts()
    {
        var config = Config("""{"ExposedPorts":{"53/udp":{}}}""");

        ContainerConfigMerge.Apply(config, Image("{}"));

        Assert.That(config["ExposedPorts"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "53/udp" }));
    }

    [Test]
    public void Apply_UserAndWorkingDir_FallBackToTheImage()
    {
        var config = Config("""{"User":"","WorkingDir":""}""");

        ContainerConfigMerge.Apply(config, Image("""{"User":"nobody","WorkingDir":"/srv"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(config["User"]!.GetValue<string>(), Is.EqualTo("nobody"));
            Assert.That(config["WorkingDir"]!.GetValue<string>(), Is.EqualTo("/srv"));
        });
    }

    [Test]
    public void Apply_UserAndWorkingDirGiven_KeepTheRequests()
    {
        var config = Config("""{"User":"1000:1000","WorkingDir":"/tmp"}""");

        ContainerConfigMerge.Apply(config, Image("""{"User":"nobody","WorkingDir":"/srv"}"""));

        Assert.Multiple(() =>
        {
            Assert.That(config["User"]!.GetValue<string>(), Is.EqualTo("1000:1000"));
            Assert.That(config["WorkingDir"]!.GetValue<string>(), Is.EqualTo("/tmp"));
        });
    }

    [Test]
    public void Apply_NoWorkingDirAnywhere_IsTheEmptyString()
    {
        var config = Config();

        ContainerConfigMerge.Apply(config, Image("{}"));

        Assert.That(config["WorkingDir"]!.GetValue<string>(), Is.EqualTo(""));
    }

    [Test]
    public void Apply_NoHealthcheckInTheRequest_TakesTheImages()
    {
        var config = Config();

        ContainerConfigMerge.Apply(config, Image("""{"Healthcheck":{"Test":["CMD","true"],"Interval":5000000000}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(Strings(config["Healthcheck"]!["Test"]), Is.EqualTo(new[] { "CMD", "true" }));
            Assert.That(config["Healthcheck"]!["Interval"]!.GetValue<long>(), Is.EqualTo(5_000_000_000));
        });
    }

    [Test]
    public void Apply_HealthcheckNoneInTheRequest_DisablesTheImages()
    {
        var config = Config("""{"Healthcheck":{"Test":["NONE"]}}""");

        ContainerConfigMerge.Apply(config, Image("""{"Healthcheck":{"Test":["CMD","true"]}}"""));

        Assert.That(Strings(config["Healthcheck"]!["Test"]), Is.EqualTo(new[] { "NONE" }));
    }

    /// <summary>docker run --health-interval 5s sends a Healthcheck without Test; Moby fills the rest field by field from the image.</summary>
    [Test]
    public void Apply_PartialHealthcheckInTheRequest_FillsTheMissingFieldsFromTheImageAsMobyDoes()
    {
        var config = Config("""{"Healthcheck":{"Interval":5000000000}}""");

        ContainerConfigMerge.Apply(config, Image("""{"Healthcheck":{"Test":["CMD","true"],"Interval":30000000000,"Timeout":3000000000,"Retries":5}}"""));

        var health = config["Healthcheck"]!;
        Assert.Multiple(() =>
        {
            Assert.That(health["Test"] is JsonArray ? Strings(health["Test"]) : [], Is.EqualTo(new[] { "CMD", "true" }));
            Assert.That(health["Interval"]!.GetValue<long>(), Is.EqualTo(5_000_000_000));
            Assert.That(health["Timeout"]?.GetValue<long>(), Is.EqualTo(3_000_000_000));
            Assert.That(health["Retries"]?.GetValue<int>(), Is.EqualTo(5));
        });
    }

    [Test]
    public void Apply_StopSignal_FallsBackToTheImageButShellDoesNotAsMobysMerge()
    {
        var config = Config();

        ContainerConfigMerge.Apply(config, Image("""{"StopSignal":"SIGQUIT","Shell":["/bin/bash","-c"]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(config["StopSignal"]!.GetValue<string>(), Is.EqualTo("SIGQUIT"));
            Assert.That(config["Shell"], Is.Null);
        });
    }

    [Test]
    public void Apply_StopSignalGiven_KeepsTheRequests()
    {
        var config = Config("""{"StopSignal":"SIGINT"}""");

        ContainerConfigMerge.Apply(config, Image("""{"StopSignal":"SIGQUIT"}"""));

        Assert.That(config["StopSignal"]!.GetValue<string>(), Is.EqualTo("SIGINT"));
    }

    [Test]
    public void Apply_ImageOnBuild_IsNotCopiedAsMobysMerge()
    {
        var config = Config();

        ContainerConfigMerge.Apply(config, Image("""{"OnBuild":["RUN make"]}"""));

        Assert.That(config["OnBuild"], Is.Null);
    }

    [Test]
    public void Apply_NullConfig_Throws() =>
        Assert.Throws<ArgumentNullException>(() => ContainerConfigMerge.Apply(null!, null));
}
