using System.Globalization;
using Berth.Sdk;

namespace Berth.Kernel.Api;

/// <summary>since/until as the CLI sends them: unix seconds with an optional 9-digit fraction, or RFC 3339.</summary>
public static class Timestamps
{
    /// <summary>How the Engine API writes times: UTC, RFC 3339 with the fraction's trailing zeros dropped.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Parse(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('.', 2);
        if (long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            long nanos = 0;
            if (parts.Length == 2)
            {
                var fraction = parts[1].PadRight(9, '0')[..9];
                if (!long.TryParse(fraction, NumberStyles.None, CultureInfo.InvariantCulture, out nanos))
                    throw BerthException.Invalid($"invalid value for {name}: {text}");
            }
            return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed;
        throw BerthException.Invalid($"invalid value for {name}: {text}: expected a unix timestamp or RFC 3339 time");
    }
}
