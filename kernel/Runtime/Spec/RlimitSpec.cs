using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// <c>process.rlimits</c> from HostConfig.Ulimits (none by default: the container inherits the daemon's). A hard limit
/// above the daemon's own is refused unless the daemon holds CAP_SYS_RESOURCE — runc could not set it.
/// </summary>
internal static class RlimitSpec
{
    public static JsonArray? Build(JsonObject hostConfig, HostSupport host)
    {
        var ulimits = JsonRead.Objects(hostConfig, "Ulimits").ToList();
        if (ulimits.Count == 0) return null;
        var result = new JsonArray();
        foreach (var ulimit in ulimits)
        {
            var name = JsonRead.String(ulimit, "Name");
            var type = "RLIMIT_" + name.ToUpperInvariant();
            if (!HostSupport.RlimitNumbers.ContainsKey(type)) throw BerthException.Invalid($"invalid ulimit type: {name}");
            var soft = JsonRead.Long(ulimit, "Soft");
            var hard = JsonRead.Long(ulimit, "Hard");
            var softLimit = unchecked((ulong)soft); // -1 is "unlimited" (RLIM_INFINITY), as Moby's uint64 cast makes it
            var hardLimit = unchecked((ulong)hard);
            if (softLimit > hardLimit) throw BerthException.Invalid($"ulimit soft limit must be less than or equal to hard limit: {Show(soft)} > {Show(hard)}");
            var hostHard = host.HardLimit(type);
            if (hardLimit > hostHard && !host.CanRaiseRlimits)
                throw BerthException.Invalid(
                    $"ulimit {name}: hard limit {Show(hard)} exceeds the daemon's hard limit {Show(hostHard)}; the daemon lacks CAP_SYS_RESOURCE and cannot raise it (use --ulimit {name}=<soft>:<hard> with hard <= {Show(hostHard)})");
            result.Add(new JsonObject { ["type"] = type, ["hard"] = hardLimit, ["soft"] = softLimit });
        }
        return result;
    }

    private static string Show(long value) => value < 0 ? "unlimited" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Show(ulong value) => value == ulong.MaxValue ? "unlimited" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
