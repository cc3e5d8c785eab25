namespace Berth.Kernel.Api;

/// <summary>Boolean query parameters as Moby reads them: <c>1</c>, <c>true</c>, <c>True</c> are true; absent, <c>0</c>, <c>false</c> are false.</summary>
public static class QueryFlags
{
    public static bool Bool(string? value) =>
        !string.IsNullOrEmpty(value) && !value.Equals("0", StringComparison.Ordinal) && !value.Equals("false", StringComparison.OrdinalIgnoreCase)
        && !value.Equals("no", StringComparison.OrdinalIgnoreCase) && !value.Equals("off", StringComparison.OrdinalIgnoreCase);
}
