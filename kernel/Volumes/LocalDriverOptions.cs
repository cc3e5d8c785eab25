using System.Globalization;
using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Kernel.Volumes;

/// <summary>
/// The <c>local</c> driver's options, checked as moby's <c>validateOpts</c> does: <c>type</c>, <c>device</c> and <c>o</c>
/// (what mount(8) would take; each of type and device needs the other, o needs both) and <c>size</c> (a quota, which
/// Berth, like moby without project quotas, refuses above zero).
/// </summary>
public static partial class LocalDriverOptions
{
    public const string Type = "type";
    public const string Device = "device";
    public const string MountOptions = "o";
    public const string Size = "size";

    private static readonly string[] Valid = [Type, MountOptions, Device, Size];

    private static readonly (string Option, string[] Requires)[] Mandatory =
    [
        (Device, [Type]),
        (Type, [Device]),
        (MountOptions, [Device, Type]),
    ];

    /// <exception cref="BerthException">Invalid parameter, with moby's wording.</exception>
    public static void Validate(IReadOnlyDictionary<string, string>? options)
    {
        if (options is null || options.Count == 0) return;
        foreach (var key in options.Keys.Order(StringComparer.Ordinal))
            if (!Valid.Contains(key, StringComparer.Ordinal)) throw BerthException.Invalid($"invalid option: \"{key}\"");
        if (options.TryGetValue(Size, out var size) && ParseSize(size) > 0)
            throw BerthException.Invalid("quota size requested but no quota support");
        foreach (var (option, requires) in Mandatory)
        {
            if (!options.ContainsKey(option)) continue;
            foreach (var required in requires)
                if (!options.ContainsKey(required)) throw BerthException.Invalid($"missing required option: \"{required}\"");
        }
    }

    /// <summary>True when the volume's <c>_data</c> is a mount of <c>device</c> (moby's <c>needsMount</c>).</summary>
    public static bool NeedsMount(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TryGetValue(Type, out var type) && type.Length > 0
            || options.TryGetValue(Device, out var device) && device.Length > 0;
    }

    /// <summary>go-units' RAMInBytes: <c>100m</c>, <c>1.5GiB</c>, <c>512</c> (binary multiples).</summary>
    public static long ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = SizePattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            throw BerthException.Invalid($"invalid size: '{text}'");
        var unit = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            "t" => 1L << 40,
            "p" => 1L << 50,
            _ => 1L,
        };
        return (long)(number * unit);
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)*) ?([kKmMgGtTpP])?[iI]?[bB]?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
