using System.Text.RegularExpressions;
using Berth.Kernel.Names;

namespace Berth.Kernel.Tests.Names;

public partial class NamesGeneratorTests
{
    private const string Id = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

    [Test]
    public void WordLists_CopiedFromMoby_HaveItsSizesAndEnds()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NameWords.Adjectives, Has.Length.EqualTo(108));
            Assert.That(NameWords.Surnames, Has.Length.EqualTo(236));
            Assert.That((NameWords.Adjectives[0], NameWords.Adjectives[^1]), Is.EqualTo(("admiring", "zen")));
            Assert.That((NameWords.Surnames[0], NameWords.Surnames[^1]), Is.EqualTo(("agnesi", "zhukovsky")));
            Assert.That(NameWords.Adjectives, Is.Unique.And.Ordered);
            Assert.That(NameWords.Surnames, Is.Unique.And.Ordered);
        });
    }

    [Test]
    public void GetRandomName_FirstAttempt_IsAdjectiveUnderscoreSurname()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var name = NamesGenerator.GetRandomName(0, random);
            var parts = name.Split('_');
            Assert.That(parts, Has.Length.EqualTo(2), name);
            Assert.That(NameWords.Adjectives, Does.Contain(parts[0]), name);
            Assert.That(NameWords.Surnames, Does.Contain(parts[1]), name);
        }
    }

    [Test]
    public void GetRandomName_BoringWozniakDrawn_DrawsAgain()
    {
        var boring = Array.IndexOf(NameWords.Adjectives, "boring");
        var wozniak = Array.IndexOf(NameWords.Surnames, "wozniak");
        var random = new ScriptedRandom(boring, wozniak, boring, 0);

        Assert.That(NamesGenerator.GetRandomName(0, random), Is.EqualTo("boring_agnesi"));
    }

    [Test]
    public void GetRandomName_ManyDraws_NeverBoringWozniak()
    {
        var random = new Random(11);
        var names = Enumerable.Range(0, 100_000).Select(_ => NamesGenerator.GetRandomName(0, random)).ToHashSet();

        Assert.That(names, Does.Not.Contain("boring_wozniak"));
    }

    [Test]
    public void GetRandomName_Retry_AppendsOneDigit()
    {
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
            Assert.That(NamesGenerator.GetRandomName(1 + (i % 5), random), Does.Match(RetryName()));
    }

    [Test]
    public void GenerateUnique_FreeName_ReservesAndReturnsSlashForm()
    {
        var registry = new NameRegistry(new Random(5));

        var name = registry.GenerateUnique(Id);

        Assert.Multiple(() =>
        {
            Assert.That(name, Does.Match(@"^/[a-z]+_[a-z]+\z"));
            Assert.That(registry.Lookup(name), Is.EqualTo(Id));
        });
    }

    [Test]
    public void GenerateUnique_FirstDrawTaken_RetriesWithADigitSuffix()
    {
        var first = "/" + NamesGenerator.GetRandomName(0, new Random(42));
        var registry = new NameRegistry(new Random(42));
        registry.Reserve(first, "another");

        var name = registry.GenerateUnique(Id);

        Assert.Multiple(() =>
        {
            Assert.That(name, Is.Not.EqualTo(first));
            Assert.That(name, Does.Match("^/" + RetryName().ToString()[1..]));
            Assert.That(registry.Lookup(name), Is.EqualTo(Id));
        });
    }

    [Test]
    public void GenerateUnique_EveryDrawTaken_FallsBackToTheShortId()
    {
        var registry = new NameRegistry(new ScriptedRandom());
        registry.Reserve("admiring_agnesi", "another");
        registry.Reserve("admiring_agnesi0", "another");

        var name = registry.GenerateUnique(Id);

        Assert.Multiple(() =>
        {
            Assert.That(name, Is.EqualTo("/c0ffee00c0ff"));
            Assert.That(registry.Lookup("c0ffee00c0ff"), Is.EqualTo(Id));
        });
    }

    [GeneratedRegex(@"^[a-z]+_[a-z]+[0-9]\z")]
    private static partial Regex RetryName();

    /// <summary>Returns the scripted values for Next(max) in turn, then 0.</summary>
    private sealed class ScriptedRandom(params int[] values) : Random
    {
        private int next;

        public override int Next(int maxValue) => next < values.Length ? values[next++] : 0;
    }
}
