using Berth.Kernel.Config;

namespace Berth.Kernel.Tests.Config;

public class CommandLineTests
{
    [Test]
    public void Parse_HostTwice_AppendsBoth()
    {
        var cl = CommandLine.Parse(["-H", "unix:///run/berth.sock", "--host", "tcp://127.0.0.1:2375"]);

        Assert.That(cl.Values["hosts"]!.AsArray().Select(n => n!.GetValue<string>()),
            Is.EqualTo(new[] { "unix:///run/berth.sock", "tcp://127.0.0.1:2375" }));
    }

    [Test]
    public void Parse_LogOptKeyValue_BuildsAMap()
    {
        var cl = CommandLine.Parse(["--log-opt", "max-size=10m", "--log-opt=max-file=3", "--log-opt", "labels=a=b"]);

        var map = cl.Values["log-opts"]!.AsObject();
        Assert.That(map.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["max-size"] = "10m",
            ["max-file"] = "3",
            ["labels"] = "a=b",
        }));
    }

    [Test]
    public void Parse_LogOptWithoutEquals_ThrowsNamingTheFlag()
    {
        var ex = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--log-opt", "max-size"]))!;

        Assert.That(ex.Message, Does.Contain("\"max-size\"").And.Contain("--log-opt").And.Contain("key=value"));
    }

    [TestCase("--iptables=false", false)]
    [TestCase("--iptables=0", false)]
    [TestCase("--iptables=TRUE", true)]
    [TestCase("--iptables", true)]
    public void Parse_BoolFlag_AcceptsGoBooleans(string arg, bool expected)
    {
        var cl = CommandLine.Parse([arg]);

        Assert.That(cl.Values["iptables"]!.GetValue<bool>(), Is.EqualTo(expected));
    }

    [Test]
    public void Parse_BoolFlagWithBadValue_Throws()
    {
        var ex = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--debug=maybe"]))!;

        Assert.That(ex.Message, Is.EqualTo("invalid boolean value \"maybe\" for flag --debug"));
    }

    [Test]
    public void Parse_BoolFlag_DoesNotConsumeTheNextArgument()
    {
        var cl = CommandLine.Parse(["-D", "--data-root", "/srv/berth"]);

        Assert.That(cl.Values["debug"]!.GetValue<bool>(), Is.True);
        Assert.That(cl.Values["data-root"]!.GetValue<string>(), Is.EqualTo("/srv/berth"));
    }

    [Test]
    public void Parse_UnknownFlag_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ConfigException>(() => CommandLine.Parse(["--debug", "--no-such-flag"]))!;

        Assert.That(ex.Message, Does.StartWith("unknown flag: --no-such-flag"));
    }

    [Test]
    public void Parse_FlagWithoutValue_ThrowsNeedsArgument()
    {
        var ex = Assert.Throws<ConfigException>(() => CommandLine.Parse(["-H"]))!;

        Assert.That(ex.Message, Is.EqualTo("flag needs an argument: -H"));
    }

    [Test]
    public void Parse_ConfigFileVersionAndHelp_AreNotDaemonKeys()
    {
        var cl = CommandLine.Parse(["--config-file=/etc/berth/other.json", "-v", "--help"]);

        Assert.That(cl.ConfigFile, Is.EqualTo("/etc/berth/other.json"));
        Assert.That(cl.ShowVersion, Is.True);
        Assert.That(cl.ShowHelp, Is.True);
        Assert.That(cl.Values, Is.Empty);
    }

    [Test]
    public void Parse_ShortAndLongForms_MapToTheSameKey()
    {
        var cl = CommandLine.Parse(["-s", "overlay2", "--storage-opt", "size=10G", "--label=a=b", "--label", "c=d"]);

        Assert.That(cl.Values["storage-driver"]!.GetValue<string>(), Is.EqualTo("overlay2"));
        Assert.That(cl.Values["storage-opts"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(cl.Values["labels"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "a=b", "c=d" }));
    }

    [Test]
    public void Usage_ListsFlags()
    {
        Assert.That(CommandLine.Usage, Does.Contain("--log-opt").And.Contain("--config-file").And.Contain("-H"));
    }

    [Test]
    public void Parse_NoArguments_IsEmpty()
    {
        var cl = CommandLine.Parse([]);

        Assert.That(cl.Values, Is.Empty);
        Assert.That(cl.ConfigFile, Is.Null);
        Assert.That(cl.ShowHelp || cl.ShowVersion, Is.False);
    }
}
