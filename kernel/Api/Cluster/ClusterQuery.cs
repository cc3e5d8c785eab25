using System.Globalization;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Api.Cluster;

/// <summary>The swarm endpoints' query parameters, parsed as Moby's handlers parse them (Go's strconv) with Moby's messages.</summary>
public static class ClusterQuery
{
    /// <summary>
    /// The <c>version</c> of an update (the object version the client read). Moby words the error per kind: swarm,
    /// node and service quote the value and strconv's error; secret and config say only <c>invalid secret version</c>.
    /// </summary>
    public static long Version(HttpContext context, string noun)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Request.Query["version"].ToString();
        if (TryParseUint(raw, out var version, out var error)) return version;
        throw BerthException.Invalid(noun is "secret" or "config" ? $"invalid {noun} version" : $"invalid {noun} version '{raw}': {error}");
    }

    /// <summary>A boolean flag that must parse when present (<c>rotateWorkerToken</c>…): absent or empty is false.</summary>
    public static bool Flag(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0) return false;
        return TryParseBool(raw, out var value) ? value : throw BerthException.Invalid($"invalid value for {name}: {raw}");
    }

    /// <summary>A boolean whose error carries strconv's (<c>status</c>, <c>insertDefaults</c>): Moby wraps it.</summary>
    public static bool WrappedFlag(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0) return false;
        return TryParseBool(raw, out var value)
            ? value
            : throw BerthException.Invalid($"invalid value for {name}: {raw}: strconv.ParseBool: parsing {GoQuote(raw)}: invalid syntax");
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Go's strconv.ParseUint(text, 10, 64), limited to what the contract's <c>long</c> holds.</summary>
    public static bool TryParseUint(string text, out long value, out string error)
    {
        value = 0;
        error = "";
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            error = $"strconv.ParseUint: parsing {GoQuote(text)}: invalid syntax";
            return false;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = $"strconv.ParseUint: parsing {GoQuote(text)}: value out of range";
            return false;
        }
        return true;
    }

    private static string GoQuote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
