using System.Globalization;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>Moby's parseUintList: cgroup list syntax ("0-2,4") with the CVE-2018-20699 upper bound.</summary>
internal static class CpusetList
{
    /// <summary>Moby's defaultMaxCPUs.</summary>
    public const int DefaultMaximum = 8192;

    /// <returns>false with <paramref name="error"/> set as Moby words it ("invalid format: x", "value of out range, maximum is N").</returns>
    public static bool TryParse(string value, int maximum, out HashSet<int> set, out string error)
    {
        set = [];
        error = "";
        if (value.Length == 0) return true;
        foreach (var range in value.Split(','))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!int.TryParse(range, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var single)) return Fail(value, out error);
                if (maximum != 0 && single > maximum) return OutOfRange(maximum, out error);
                set.Add(single);
                continue;
            }
            if (!int.TryParse(range[..dash], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var low)
                || !int.TryParse(range[(dash + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var high)
                || high < low)
                return Fail(value, out error);
            if (maximum != 0 && high > maximum) return OutOfRange(maximum, out error);
            for (var i = low; i <= high; i++) set.Add(i);
        }
        return true;
    }

    private static bool Fail(string value, out string error)
    {
        error = $"invalid format: {value}";
        return false;
    }

    private static bool OutOfRange(int maximum, out string error)
    {
        error = $"value of out range, maximum is {maximum}";
        return false;
    }
}
