namespace Berth.Kernel.Names;

/// <summary>Docker's random container names: <c>adjective_surname</c>, with a digit appended on a retry (moby's GetRandomName).</summary>
public static class NamesGenerator
{
    /// <summary>Steve Wozniak is not boring: moby draws again when this comes up.</summary>
    internal const string Excluded = "boring_wozniak";

    /// <param name="retry">0 on the first attempt; above 0 appends one random digit (0–9), e.g. <c>focused_turing3</c>.</param>
    /// <param name="random">Where the draws come from; <see cref="Random.Shared"/> when null.</param>
    public static string GetRandomName(int retry, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retry);
        random ??= Random.Shared;
        string name;
        do
        {
            name = NameWords.Adjectives[random.Next(NameWords.Adjectives.Length)] + "_" + NameWords.Surnames[random.Next(NameWords.Surnames.Length)];
        }
        while (name == Excluded);
        return retry > 0 ? name + random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture) : name;
    }
}
