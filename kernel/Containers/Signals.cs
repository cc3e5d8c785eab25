using System.Globalization;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

/// <summary>Signal names and numbers as Docker accepts them (<c>SIGTERM</c>, <c>TERM</c>, <c>15</c>).</summary>
public static class Signals
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7, ["FPE"] = 8,
        ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14, ["TERM"] = 15, ["STKFLT"] = 16,
        ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21, ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24,
        ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28, ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    public const int Kill = 9;
    public const int Term = 15;

    public static int Parse(string? text, int fallback)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            return number is > 0 and <= 64 ? number : throw BerthException.Invalid($"Invalid signal: {text}");
        var name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        if (Numbers.TryGetValue(name, out var value) || TryRealtime(name, out value)) return value;
        throw BerthException.Invalid($"Invalid signal: {text}");
    }

    /// <summary>Linux's realtime signals as Moby names them: RTMIN (34), RTMIN+1…RTMIN+15, RTMAX-14…RTMAX-1, RTMAX (64).</summary>
    private static bool TryRealtime(string name, out int value)
    {
        value = 0;
        if (name.Equals("RTMIN", StringComparison.OrdinalIgnoreCase)) value = 34;
        else if (name.Equals("RTMAX", StringComparison.OrdinalIgnoreCase)) value = 64;
        else if (name.StartsWith("RTMIN+", StringComparison.OrdinalIgnoreCase) && Offset(name[6..]) is { } up && up <= 15) value = 34 + up;
        else if (name.StartsWith("RTMAX-", StringComparison.OrdinalIgnoreCase) && Offset(name[6..]) is { } down && down <= 14) value = 64 - down;
        return value != 0;
    }

    private static int? Offset(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : null;
}
