namespace Berth.Sdk.Protocol;

/// <summary>JSON-RPC method naming: <c>GraphDriver.Create</c>, as in Docker's plugin protocols.</summary>
public static class WireNames
{
    public const string ControlPrefix = "Plugin.";

    public static string Method(string prefix, string clrName) =>
        prefix + (clrName.EndsWith("Async", StringComparison.Ordinal) ? clrName[..^5] : clrName);
}
