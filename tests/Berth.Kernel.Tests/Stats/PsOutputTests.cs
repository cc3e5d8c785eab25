using Berth.Kernel.Stats;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Stats;

public class PsOutputTests
{
    private const string Ef = """
        UID          PID    PPID  C STIME TTY          TIME CMD
        root           1       0  0 10:00 ?        00:00:01 /sbin/init splash
        root         200       1  0 10:01 ?        00:00:00 nginx: master process nginx -g daemon off;
        www          201     200  0 10:01 ?        00:00:00 nginx: worker process

        """;

    [Test]
    public void Parse_Ef_KeepsOnlyContainerPidsAndJoinsTheCommandLine()
    {
        var list = PsOutput.Parse(Ef, [200, 201]);

        Assert.That(list.Titles, Is.EqualTo(new[] { "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD" }));
        Assert.That(list.Processes, Has.Count.EqualTo(2));
        Assert.That(list.Processes[0], Is.EqualTo(new[] { "root", "200", "1", "0", "10:01", "?", "00:00:00", "nginx: master process nginx -g daemon off;" }));
        Assert.That(list.Processes[1][1], Is.EqualTo("201"));
    }

    [Test]
    public void Parse_ThreadRows_FollowTheirKeptProcessOnly()
    {
        const string threads = """
              PID TTY      STAT   TIME COMMAND
              300 ?        -      0:00 java -jar app.jar
                - -        Sl     0:00 -
                - -        Sl     0:00 -
              400 ?        -      0:00 other
                - -        Sl     0:00 -

            """;

        var list = PsOutput.Parse(threads, [300]);

        Assert.That(list.Processes, Has.Count.EqualTo(3));
        Assert.That(list.Processes.Skip(1).Select(p => p[0]), Has.All.EqualTo("-"));
    }

    [Test]
    public void Parse_NoPidColumn_IsInvalid()
    {
        var error = Assert.Throws<BerthException>(() => PsOutput.Parse("COMMAND\nsleep\n", [1]));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Is.EqualTo("Couldn't find PID field in ps output"));
    }

    [Test]
    public void ToJson_List_IsDockersTopShape()
    {
        var json = TopProcesses.ToJson(PsOutput.Parse(Ef, [1])).ToJsonString();

        Assert.That(json, Is.EqualTo("""{"Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"],"Processes":[["root","1","0","0","10:00","?","00:00:01","/sbin/init splash"]]}"""));
    }
}
