using System.Diagnostics;
using System.Globalization;
using Berth.Kernel.Stats;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Stats;

public class TopProcessesTests
{
    private readonly List<Process> children = [];

    [TearDown]
    public void TearDown()
    {
        foreach (var child in children)
        {
            if (!child.HasExited) child.Kill();
            child.WaitForExit(5000);
            child.Dispose();
        }
        children.Clear();
    }

    private int StartSleep()
    {
        var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        children.Add(child);
        return child.Id;
    }

    [Test]
    public async Task ListAsync_DefaultArgs_ShowsOnlyTheGivenProcessesWithPidAndCmdTitles()
    {
        var kept = StartSleep();
        var other = StartSleep();

        var list = await TopProcesses.ListAsync([kept], "", CancellationToken.None);

        Assert.That(list.Titles, Does.Contain("PID").And.Contain("CMD"));
        var pidColumn = list.Titles.ToList().IndexOf("PID");
        Assert.That(list.Processes.Select(p => p[pidColumn]), Is.EqualTo(new[] { kept.ToString(CultureInfo.InvariantCulture) }));
        Assert.That(list.Processes.Single()[^1], Is.EqualTo("sleep 30"));
        Assert.That(list.Processes.Single(), Has.Count.EqualTo(list.Titles.Count));
        Assert.That(list.Processes.SelectMany(p => p), Does.Not.Contain(other.ToString(CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task ListAsync_CustomColumns_UsesThem()
    {
        var first = StartSleep();
        var second = StartSleep();

        var list = await TopProcesses.ListAsync([first, second], "-o pid,comm", CancellationToken.None);

        Assert.That(list.Titles, Is.EqualTo(new[] { "PID", "COMMAND" }));
        Assert.That(list.Processes.Select(p => p[0]), Is.EquivalentTo(new[] { first, second }.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Assert.That(list.Processes.Select(p => p[1]), Has.All.EqualTo("sleep"));
    }

    [Test]
    public async Task ListAsync_OptionThatRefusesQuickPids_RetriesAndFilters()
    {
        var kept = StartSleep();

        var list = await TopProcesses.ListAsync([kept], "axf", CancellationToken.None);

        var pidColumn = list.Titles.ToList().IndexOf("PID");
        Assert.That(list.Processes.Select(p => p[pidColumn]), Is.EqualTo(new[] { kept.ToString(CultureInfo.InvariantCulture) }));
    }

    [Test]
    public void ListAsync_BadArgs_IsInvalidWithPsError()
    {
        var pid = StartSleep();

        var error = Assert.ThrowsAsync<BerthException>(() => TopProcesses.ListAsync([pid], "--no-such-option", CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Does.StartWith("ps: "));
        Assert.That(error.Message.Length, Is.GreaterThan("ps: ".Length));
    }

    [Test]
    public void ListAsync_NoPidColumn_IsInvalid()
    {
        var pid = StartSleep();

        var error = Assert.ThrowsAsync<BerthException>(() => TopProcesses.ListAsync([pid], "-o comm", CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("Couldn't find PID field in ps output"));
    }

    [Test]
    public void ListAsync_RenamedPidColumn_IsInvalid()
    {
        var error = Assert.ThrowsAsync<BerthException>(() => TopProcesses.ListAsync([1], "-o user=PID", CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Is.EqualTo("specifying \"user=PID\" is not allowed"));
    }
}
