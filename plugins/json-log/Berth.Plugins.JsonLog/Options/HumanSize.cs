using System.Globalization;
using Berth.Sdk;

namespace Berth.Plugins.JsonLog.Options;

/// <summary>
/// go-units' FromHumanSize, which Docker uses for <c>max-size</c>: decimal multiples (k = 1000, m = 1000², …), with
/// optional <c>b</c> / <c>ib</c> suffix letters that do not change the multiplier, as in "10m", "1.5 GB", "64KiB".
/// </summary>
internal static class HumanSize
{
    public static long Parse(string text)
    {
        var separator = text.AsSpan().LastIndexOfAny("0123456789. ");
        if (separator < 0) throw BerthException.Invalid($"invalid size: '{text}'");
        var number = text[..(text[separator] == ' ' ? separator : separator + 1)];
        var suffix = text[(separator + 1)..].ToLowerInvariant();
        if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var size))
            throw BerthException.Invalid($"strconv.ParseFloat: parsing \"{number}\": invalid syntax");
        if (size < 0) throw BerthException.Invalid($"invalid size: '{text}'");
        if (suffix.Length == 0 || suffix == "b") return Clamp(size);
        var multiplier = suffix[0] switch
        {
            'k' => 1e3,
            'm' => 1e6,
            'g' => 1e9,
            't' => 1e12,
            'p' => 1e15,
            _ => 0,
        };
        if (multiplier == 0 || suffix.Length > 3 || (suffix.Length == 2 && suffix[1] != 'b') || (suffix.Length == 3 && suffix[1..] != "ib"))
            throw BerthException.Invalid($"invalid suffix: '{suffix}'");
        return Clamp(size * multiplier);
    }

    private static long Clamp(double size) => size >= long.MaxValue ? long.MaxValue : (long)size;
}
