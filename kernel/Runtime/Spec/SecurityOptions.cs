using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>HostConfig.SecurityOpt parsed as Moby's parseSecurityOpt does.</summary>
public sealed record SecurityOptions
{
    /// <summary>Moby's name for "the built-in default profile" (dconfig.SeccompProfileDefault).</summary>
    public const string SeccompBuiltin = "builtin";

    /// <summary>No seccomp filter at all.</summary>
    public const string Unconfined = "unconfined";

    public bool NoNewPrivileges { get; init; }

    /// <summary>null unless <c>writable-cgroups</c> was given.</summary>
    public bool? WritableCgroups { get; init; }

    /// <summary>"" (default), "unconfined", "builtin" or a profile in Docker's JSON format (the CLI sends the file's content).</summary>
    public string SeccompProfile { get; init; } = "";

    public string AppArmorProfile { get; init; } = "";

    /// <summary>SELinux label options (<c>label=…</c>, <c>disable</c>); Berth has no SELinux support and ignores them.</summary>
    public IReadOnlyList<string> LabelOptions { get; init; } = [];

    /// <exception cref="BerthException">Invalid: <c>invalid --security-opt 1: "x"</c> / <c>invalid --security-opt 2: "k=v"</c>.</exception>
    public static SecurityOptions Parse(IReadOnlyList<string> securityOpt)
    {
        ArgumentNullException.ThrowIfNull(securityOpt);
        var result = new SecurityOptions();
        var labels = new List<string>();
        foreach (var option in securityOpt)
        {
            switch (option)
            {
                case "no-new-privileges":
                    result = result with { NoNewPrivileges = true };
                    continue;
                case "writable-cgroups":
                    result = result with { WritableCgroups = true };
                    continue;
                case "disable":
                    labels.Add("disable");
                    continue;
            }
            var separator = option.Contains('=', StringComparison.Ordinal) ? '=' : option.Contains(':', StringComparison.Ordinal) ? ':' : '\0';
            if (separator == '\0') throw BerthException.Invalid($"invalid --security-opt 1: \"{option}\"");
            var at = option.IndexOf(separator, StringComparison.Ordinal);
            var (key, value) = (option[..at], option[(at + 1)..]);
            if (key == "label")
            {
                labels.Add(value);
                continue;
            }
            result = key switch
            {
                "apparmor" => result with { AppArmorProfile = value },
                "seccomp" => result with { SeccompProfile = value },
                "no-new-privileges" => result with { NoNewPrivileges = ParseBool(value, option) },
                "writable-cgroups" => result with { WritableCgroups = ParseBool(value, option) },
                _ => throw BerthException.Invalid($"invalid --security-opt 2: \"{option}\""),
            };
        }
        return result with { LabelOptions = labels };
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    private static bool ParseBool(string value, string option) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw BerthException.Invalid($"invalid --security-opt 2: \"{option}\""),
    };
}
