using Berth.Kernel.Containers;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Containers;

public class SignalsTests
{
    [TestCase("SIGKILL", 9)]
    [TestCase("KILL", 9)]
    [TestCase("9", 9)]
    [TestCase("sigterm", 15)]
    [TestCase("term", 15)]
    [TestCase("SigHup", 1)]
    [TestCase("SIGUSR1", 10)]
    [TestCase("USR2", 12)]
    [TestCase("SIGWINCH", 28)]
    [TestCase("SIGIOT", 6)]
    [TestCase("POLL", 29)]
    [TestCase("SIGSYS", 31)]
    [TestCase("64", 64)]
    [TestCase("1", 1)]
    public void Parse_NameOrNumber_IsTheLinuxSignal(string text, int number)
    {
        Assert.That(Signals.Parse(text, Signals.Term), Is.EqualTo(number));
    }

    [TestCase(null)]
    [TestCase("")]
    public void Parse_Nothing_IsTheFallback(string? text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Signals.Parse(text, Signals.Term), Is.EqualTo(15));
            Assert.That(Signals.Parse(text, Signals.Kill), Is.EqualTo(9));
        });
    }

    [TestCase("0")]
    [TestCase("-9")]
    [TestCase("65")]
    [TestCase("SIGBOGUS")]
    [TestCase("SIG")]
    [TestCase("KILL9")]
    [TestCase(" KILL")]
    public void Parse_Unknown_IsDockersInvalidSignalMessage(string text)
    {
        var error = Assert.Throws<BerthException>(() => Signals.Parse(text, Signals.Term))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo($"Invalid signal: {text}"));
        });
    }

    /// <summary>
    /// moby/sys/signal's Linux SignalMap has RTMIN (34), RTMIN+1..RTMIN+15, RTMAX-14..RTMAX-1 and RTMAX (64):
    /// systemd images (kindest/node…) declare STOPSIGNAL SIGRTMIN+3.
    /// </summary>
    [TestCase("SIGRTMIN", 34)]
    [TestCase("SIGRTMIN+3", 37)]
    [TestCase("RTMIN+15", 49)]
    [TestCase("RTMAX-14", 50)]
    [TestCase("SIGRTMAX", 64)]
    public void Parse_RealtimeSignalName_IsAcceptedAsMobyDoes(string text, int number)
    {
        Assert.That(Signals.Parse(text, Signals.Term), Is.EqualTo(number));
    }
}
