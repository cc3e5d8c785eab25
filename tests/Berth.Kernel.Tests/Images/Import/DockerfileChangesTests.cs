using System.Text.Json.Nodes;
using Berth.Kernel.Images.Import;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.Import;

public class DockerfileChangesTests
{
    [Test]
    public void Apply_JsonAndShellForms_SetCmdAndEntrypointLikeDocker()
    {
        var config = ContainerConfigs.Empty();
        DockerfileChanges.Apply(config, ["CMD [\"sh\", \"-c\", \"echo hi\"]", "ENTRYPOINT /bin/run --fast"]);
        Assert.That(config["Cmd"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "sh", "-c", "echo hi" }));
        Assert.That(config["Entrypoint"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "/bin/sh", "-c", "/bin/run --fast" }));
    }

    [Test]
    public void Apply_EnvPairsAndLegacyForm_ReplaceExistingKeys()
    {
        var config = ContainerConfigs.Empty();
        DockerfileChanges.Apply(config, ["ENV A=1 B=\"two words\"", "ENV A 3", "WORKDIR /srv", "USER 1000", "LABEL team=core", "EXPOSE 80 53/udp", "VOLUME /data"]);
        Assert.That(config["Env"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "A=3", "B=two words" }));
        Assert.That(config["WorkingDir"]!.GetValue<string>(), Is.EqualTo("/srv"));
        Assert.That(config["User"]!.GetValue<string>(), Is.EqualTo("1000"));
        Assert.That(config["Labels"]!["team"]!.GetValue<string>(), Is.EqualTo("core"));
        Assert.That(config["ExposedPorts"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "80/tcp", "53/udp" }));
        Assert.That(config["Volumes"]!.AsObject().ContainsKey("/data"), Is.True);
    }

    [TestCase("RUN echo hi", "RUN is not a valid change command")]
    [TestCase("COPY a b", "COPY is not a valid change command")]
    [TestCase("WORKDIR", "WORKDIR requires at least one argument")]
    [TestCase("ENV =x", "ENV names can not be blank")]
    public void Apply_BadChange_InvalidParameterWithDockersMessage(string change, string message)
    {
        var ex = Assert.Throws<BerthException>(() => DockerfileChanges.Apply(new JsonObject(), [change]));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain(message));
    }
}
