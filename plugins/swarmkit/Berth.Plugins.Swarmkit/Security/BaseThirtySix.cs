namespace Berth.Plugins.Swarmkit.Security;

internal static class BaseThirtySix
{
    public static bool IsDigits(string? text, int length) =>
        text is not null && text.Length == length && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'z');
}
