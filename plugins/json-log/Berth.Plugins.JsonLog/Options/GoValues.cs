using System.Globalization;
using Berth.Sdk;

namespace Berth.Plugins.JsonLog.Options;

/// <summary>Go's strconv.Atoi and strconv.ParseBool, with their error messages.</summary>
internal static class GoValues
{
    public static int Atoi(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw BerthException.Invalid($"strconv.Atoi: parsing \"{text}\": invalid syntax");

    public static bool ParseBool(string text) => text switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw BerthException.Invalid($"strconv.ParseBool: parsing \"{text}\": invalid syntax"),
    };
}
