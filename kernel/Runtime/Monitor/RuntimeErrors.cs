using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>Turns what runc printed on failure into Docker's "OCI runtime … failed" sentence.</summary>
internal static partial class RuntimeErrors
{
    public static BerthException Failed(string verb, string? output)
    {
        var detail = Extract(output);
        var message = $"OCI runtime {verb} failed: {detail}: unknown";
        // The CLI maps these words to exit codes 127/126, so keep runc's wording.
        var kind = detail.Contains("no such file or directory", StringComparison.Ordinal)
                   || detail.Contains("executable file not found", StringComparison.Ordinal)
                   || detail.Contains("permission denied", StringComparison.Ordinal)
            ? BerthErrorKind.InvalidParameter
            : BerthErrorKind.System;
        return new BerthException(kind, message);
    }

    /// <summary>runc logs <c>time="…" level=error msg="…"</c>; the msg value is the useful part.</summary>
    public static string Extract(string? output)
    {
        if (string.IsNullOrWhiteSpace(output)) return "the runtime failed without saying why";
        var matches = MessagePattern().Matches(output);
        if (matches.Count > 0)
            return Regex.Unescape(matches[^1].Groups[1].Value).Trim();
        return output.Trim();
    }

    [GeneratedRegex("msg=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex MessagePattern();
}
